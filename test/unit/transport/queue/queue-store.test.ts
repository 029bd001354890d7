import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../src/core/errors.js';
import { newMessageId } from '../../../../src/core/message-id.js';
import { MAX_QUEUED_PER_IDENTITY, type QueuedMessage, QueueStore, newQueuedMessage, totalOf } from '../../../../src/transport/queue/queue-store.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iap-queue-');
const root = () => join(dir(), 'queue');

function message(identity: string, text: string, nowMs = Date.now()): QueuedMessage {
  return newQueuedMessage({ id: newMessageId(nowMs), identity, from: 'operator', topic: 'none', text }, new Date(nowMs));
}

describe('the queue store', () => {
  it('lists an identity’s messages oldest first, whatever order they were written in', async () => {
    const store = new QueueStore(root());
    const first = message('demo-a', 'one', 1000);
    const second = message('demo-a', 'two', 2000);
    const other = message('demo-b', 'three', 1500);
    await store.enqueue(second);
    await store.enqueue(other);
    await store.enqueue(first);
    expect((await store.list('demo-a')).map((entry) => entry.message?.text)).toEqual(['one', 'two']);
    expect(await store.identities()).toEqual(['demo-a', 'demo-b']);
    expect(await store.depth('demo-b')).toBe(1);
    const depths = await store.depths();
    expect(depths).toEqual(new Map([['demo-a', 2], ['demo-b', 1]]));
    expect(totalOf(depths)).toBe(3);
  });

  it('updates, removes and sets aside; a set-aside message is kept with its reason', async () => {
    const store = new QueueStore(root());
    const kept = message('demo-a', 'keep me');
    await store.enqueue(kept);
    await store.write({ ...kept, attempts: 3, lastError: 'wake failed' });
    expect((await store.list('demo-a'))[0]?.message?.attempts).toBe(3);
    await store.setAside({ ...kept, attempts: 3 }, 'failed 3 times');
    expect(await store.list('demo-a')).toEqual([]);
    expect(await store.depths({ setAside: true })).toEqual(new Map([['demo-a', 1]]));
    const aside = await store.list('demo-a', { setAside: true });
    expect(aside[0]?.message).toMatchObject({ text: 'keep me', setAsideReason: 'failed 3 times' });
    await store.remove(kept);
    expect(await store.depth('demo-a')).toBe(0);
  });

  it('drops all of one identity’s messages, waiting and set aside, and says which; others stay', async () => {
    const store = new QueueStore(root());
    const first = message('demo-a', 'one', 1000);
    const second = message('demo-a', 'two', 2000);
    const other = message('demo-b', 'three', 1500);
    for (const each of [first, second, other]) await store.enqueue(each);
    await store.setAside(first, 'failed');
    expect(await store.dropAll('demo-a')).toEqual({ waiting: [second.id], setAside: [first.id] });
    expect(await store.identities()).toEqual(['demo-b']);
    expect(await store.dropAll('demo-none')).toEqual({ waiting: [], setAside: [] });
  });

  it('reports a corrupt file instead of dropping or deleting it', async () => {
    const store = new QueueStore(root());
    await store.enqueue(message('demo-a', 'fine'));
    const badId = newMessageId();
    await writeFile(join(root(), 'demo-a', `${badId}.json`), '{"version": 1, "id": "tor');
    const entries = await store.list('demo-a');
    expect(entries).toHaveLength(2);
    expect(entries.find((entry) => entry.message === undefined)?.problem).toBeTruthy();
    expect(await readdir(join(root(), 'demo-a'))).toContain(`${badId}.json`);
  });

  it('refuses a message beyond the bound instead of dropping one', async () => {
    const store = new QueueStore(root());
    await mkdir(join(root(), 'demo-a'), { recursive: true });
    const template = JSON.stringify(message('demo-a', 'x'));
    await Promise.all(
      Array.from({ length: MAX_QUEUED_PER_IDENTITY }, () => {
        const id = newMessageId();
        return writeFile(join(root(), 'demo-a', `${id}.json`), template.replace(/"id":"[^"]+"/, `"id":"${id}"`));
      }),
    );
    await expect(store.enqueue(message('demo-a', 'one too many'))).rejects.toThrow(RefusedError);
    expect(await store.depth('demo-a')).toBe(MAX_QUEUED_PER_IDENTITY);
  });

  it('says whether a message still waits or was set aside, and not once it is delivered', async () => {
    const store = new QueueStore(root());
    const kept = message('demo-a', 'kept');
    const done = message('demo-a', 'done');
    await store.enqueue(kept);
    await store.enqueue(done);
    expect(await store.holds('demo-a', kept.id)).toBe(true);
    await store.setAside(kept, 'keeps failing');
    expect(await store.holds('demo-a', kept.id)).toBe(true);
    await store.remove(done);
    expect(await store.holds('demo-a', done.id)).toBe(false);
    expect(await store.holds('demo-b', done.id)).toBe(false);
  });

  it('counts waiting messages per identity from the listings alone, set-aside ones and stray files not counted', async () => {
    const store = new QueueStore(root());
    expect(store.waitingSync()).toEqual(new Map());
    const aside = message('demo-a', 'aside');
    for (const text of ['one', 'two']) await store.enqueue(message('demo-a', text));
    await store.enqueue(aside);
    await store.setAside(aside, 'keeps failing');
    await store.enqueue(message('demo-b', 'three'));
    await writeFile(join(root(), 'demo-b', 'notes.txt'), 'not a message');
    await mkdir(join(root(), 'demo-c', 'set-aside'), { recursive: true });
    // A file that does not parse still waits (queue shows it), so it counts.
    await writeFile(join(root(), 'demo-b', `${newMessageId()}.json`), '{');
    expect(store.waitingSync()).toEqual(new Map([['demo-a', 2], ['demo-b', 2]]));
  });

  it('locates a message by id, waiting or set aside, reads and drops it', async () => {
    const store = new QueueStore(root());
    const waiting = message('demo-a', 'waits');
    const aside = message('demo-b', 'aside');
    await store.enqueue(waiting);
    await store.enqueue(aside);
    await store.setAside(aside, 'keeps failing');
    expect(await store.locate(waiting.id)).toEqual({ id: waiting.id, identity: 'demo-a', setAside: false, file: join(root(), 'demo-a', `${waiting.id}.json`) });
    const found = await store.locate(aside.id);
    expect(found).toMatchObject({ identity: 'demo-b', setAside: true });
    expect((await store.entry(found as NonNullable<typeof found>)).message).toMatchObject({ text: 'aside', setAsideReason: 'keeps failing' });
    expect(await store.locate(aside.id, ['demo-a'])).toBeUndefined();
    await store.drop(found as NonNullable<typeof found>);
    expect(await store.locate(aside.id)).toBeUndefined();
    expect(await store.locate(newMessageId())).toBeUndefined();
  });

  it('requeues a set-aside message in its place, and refuses one into a full queue', async () => {
    const store = new QueueStore(root());
    const older = message('demo-a', 'older', 1000);
    const newer = message('demo-a', 'newer', 2000);
    await store.enqueue(older);
    await store.enqueue(newer);
    await store.setAside(older, 'keeps failing');
    await store.requeue({ ...older, attempts: 0 });
    expect((await store.list('demo-a')).map((entry) => entry.message?.text)).toEqual(['older', 'newer']);
    expect(await store.list('demo-a', { setAside: true })).toEqual([]);

    await store.setAside(older, 'again');
    const template = JSON.stringify(message('demo-a', 'x'));
    await Promise.all(
      Array.from({ length: MAX_QUEUED_PER_IDENTITY - 1 }, () => {
        const id = newMessageId();
        return writeFile(join(root(), 'demo-a', `${id}.json`), template.replace(/"id":"[^"]+"/, `"id":"${id}"`));
      }),
    );
    await expect(store.requeue(older)).rejects.toThrow(/the queue of demo-a is full/);
    expect(await store.depth('demo-a', { setAside: true })).toBe(1);
    // A waiting message is rewritten in place, full queue or not.
    await expect(store.requeue({ ...newer, attempts: 0 })).resolves.toBeUndefined();
  });
});
