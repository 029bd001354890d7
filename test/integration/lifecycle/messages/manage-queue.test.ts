// queue show, drop and retry through the built CLI, on real files, real tmux and the demo
// agent: each takes the identity's delivery lock; bad or unknown ids change nothing.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, type TestHome, waitFor } from '../../../helpers/cli.js';
import { scaled } from '../../../helpers/deadline.js';
import { spawnCollected, spawnFixture } from '../../../helpers/fixtures.js';
import { expectError, listJson } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, expectedText, lifecycleLog, messagesOf, queuedFiles, sendJson } from '../../../fixtures/messages.js';

async function queueLater(home: TestHome, target: string, body: string): Promise<string> {
  const sent = await sendJson(home, [target, '--message', body, '--no-wake']);
  expect(sent.outcome).toBe('queued');
  return sent.id;
}

/** What a flush that kept failing leaves: the message moved to set-aside/ with its attempts, reason and paste mark. */
async function setAside(home: TestHome, identity: string, id: string): Promise<void> {
  const from = join(home.home, 'queue', identity, `${id}.json`);
  const record = JSON.parse(await readFile(from, 'utf8')) as Record<string, unknown>;
  const kept = { ...record, attempts: 8, lastError: 'not ready: timed out', setAsideReason: 'not ready: timed out', pastedAt: new Date().toISOString() };
  await mkdir(join(home.home, 'queue', identity, 'set-aside'), { recursive: true, mode: 0o700 });
  await writeFile(from, `${JSON.stringify(kept)}\n`, { mode: 0o600 });
  await rename(from, join(home.home, 'queue', identity, 'set-aside', `${id}.json`));
}

const events = async (home: TestHome) => (await lifecycleLog(home)).split('\n').filter((line) => / outcome=(dropped|requeued) /.test(line)).map((line) => line.replace(/^ts=\S+ /, ''));

describe('queue show, drop, retry', () => {
  const home = useHome();

  it('show prints the record and the text as it will be pasted; --json the stored record', async () => {
    await addPeer(home, 'ann');
    const id = await queueLater(home, 'ann', 'first line\n\tindented by a tab');
    const text = await home.run(['queue', 'show', id]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^id +${id}\nidentity +demo-ann\nstate +waiting\n`));
    expect(text.stdout).toMatch(/^attempts +0$/m);
    expect(text.stdout.endsWith(`\n\n${expectedText(id, 'first line\n\tindented by a tab')}\n`)).toBe(true);
    const json = JSON.parse((await home.run(['queue', 'show', id, '--json'])).stdout) as { state: string; message: Record<string, unknown> };
    expect(json).toMatchObject({ id, identity: 'demo-ann', state: 'waiting', message: { id, from: 'operator', attempts: 0, text: expectedText(id, 'first line\n\tindented by a tab') } });

    await setAside(home, 'demo-ann', id);
    const aside = await home.run(['queue', 'show', id]);
    expect(aside.stdout).toMatch(/^state +set-aside \(not ready: timed out\)$/m);
    expect(aside.stdout).toMatch(/^attempts +8$/m);
    expect(aside.stdout).toMatch(/^pasted at +\S+$/m);
  });

  it('drop deletes waiting and set-aside messages, each logged; --set-aside with a peer takes only its own', async () => {
    await addPeer(home, 'ann');
    await addPeer(home, 'ben');
    const [a1, a2, a3] = [await queueLater(home, 'ann', 'one'), await queueLater(home, 'ann', 'two'), await queueLater(home, 'ann', 'three')];
    const b1 = await queueLater(home, 'ben', 'four');
    await setAside(home, 'demo-ann', a3);
    await setAside(home, 'demo-ben', b1);

    const dropped = await home.run(['queue', 'drop', a1, a3]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toBe(`dropped ${a1} (waiting, for demo-ann)\ndropped ${a3} (set aside, for demo-ann)\n`);
    expect(await queuedFiles(home)).toEqual([`demo-ann/${a2}.json`, `demo-ben/set-aside/${b1}.json`]);
    expect((await listJson(home)).map((row) => row.waiting)).toEqual([1, 0]);

    const none = await home.run(['queue', 'drop', '--set-aside', 'ann']);
    expect(none.stdout).toBe('no set-aside messages for ann: nothing to drop\n');
    expect((await home.run(['queue', 'drop', '--set-aside', 'demo-ben'])).stdout).toBe(`dropped ${b1} (set aside, for demo-ben)\n`);
    expect(await queuedFiles(home)).toEqual([`demo-ann/${a2}.json`]);
    expect(await events(home)).toEqual([
      `ev=deliver identity=demo-ann id=${a1} outcome=dropped confirmed=none was=waiting`,
      `ev=deliver identity=demo-ann id=${a3} outcome=dropped confirmed=none was=set-aside`,
      `ev=deliver identity=demo-ben id=${b1} outcome=dropped confirmed=none was=set-aside`,
    ]);
  });

  it('drop --set-aside reaches the messages of a peer no longer registered, and all of them without a name', async () => {
    await addPeer(home, 'zed');
    await addPeer(home, 'ann');
    const z = await queueLater(home, 'zed', 'stranded');
    const a = await queueLater(home, 'ann', 'also stuck');
    await setAside(home, 'demo-zed', z);
    await setAside(home, 'demo-ann', a);
    await writeFile(join(home.home, 'peers.json'), (await readFile(join(home.home, 'peers.json'), 'utf8')).replace('"personality":"zed"', '"personality":"zed-gone"'));
    expect((await home.run(['remove', 'zed-gone'])).code).toBe(0);
    expect((await home.run(['queue', 'drop', '--set-aside', 'zed'])).stdout).toBe(`dropped ${z} (set aside, for demo-zed)\n`);
    const all = await home.run(['queue', 'drop', '--set-aside']);
    expect(all.stdout).toBe(`dropped ${a} (set aside, for demo-ann)\n`);
    expect(await queuedFiles(home)).toEqual([]);
  });

  it('retry puts a set-aside message back in line with a clean slate; a flush then delivers it once', async () => {
    const cwd = await addPeer(home, 'ann');
    const id = await queueLater(home, 'ann', 'try me again');
    await setAside(home, 'demo-ann', id);
    const retried = await home.run(['queue', 'retry', id]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe(`${id} is back in line for demo-ann (it was set aside); the daemon delivers it, or now: iapeer queue --flush\n`);
    expect(await queuedFiles(home)).toEqual([`demo-ann/${id}.json`]);
    const record = JSON.parse(await readFile(join(home.home, 'queue', 'demo-ann', `${id}.json`), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ attempts: 0, lastError: null, pastedAt: null });
    expect(record).not.toHaveProperty('setAsideReason');
    expect(await events(home)).toEqual([`ev=deliver identity=demo-ann id=${id} outcome=requeued confirmed=none was=set-aside`]);

    const flushed = await home.run(['queue', '--flush']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(await messagesOf(cwd)).toEqual([expectedText(id, 'try me again')]);
    expect(await queuedFiles(home)).toEqual([]);
  });

  it('drop waits for a delivery under way: it takes the identity’s delivery lock', async () => {
    await addPeer(home, 'ann');
    const id = await queueLater(home, 'demo-ann', 'held');
    const holder = spawnFixture('lock-holder', [home.home, '10000', 'demo-ann', 'deliver']);
    await waitFor(() => holder.stdout.startsWith('locked '), 'the lock held', scaled(15_000));
    const drop = spawnCollected('queue drop', [CLI, 'queue', 'drop', id], { env: home.env });
    await waitFor(() => drop.stderr.includes('waiting for the delivery lock of demo-ann'), 'the drop to wait', scaled(15_000));
    expect(await queuedFiles(home)).toEqual([`demo-ann/${id}.json`]);
    holder.child.kill('SIGTERM');
    expect((await drop.exit).code, drop.stderr).toBe(0);
    expect(drop.stdout).toBe(`dropped ${id} (waiting, for demo-ann)\n`);
    expect(await queuedFiles(home)).toEqual([]);
  });

  it('bad, unknown or missing ids exit 2 or 1 with one line, and change nothing', async () => {
    await addPeer(home, 'ann');
    const id = await queueLater(home, 'ann', 'keep me');
    const absent = '0mx9aaaaa000-aaa-aaaaaa';
    const before = await lifecycleLog(home);
    expectError(await home.run(['queue', 'show', 'not-an-id']), 2, 'queue', /"not-an-id" is not a message id/);
    expectError(await home.run(['queue', 'drop', id, 'x']), 2, 'queue', /"x" is not a message id/);
    expectError(await home.run(['queue', 'drop']), 2, 'queue', /name at least one message id/);
    expectError(await home.run(['queue', 'drop', id, '--set-aside']), 2, 'queue', /not both/);
    expectError(await home.run(['queue', 'drop', '--set-aside', id]), 2, 'queue', /takes a peer or an identity, not a message id/);
    expectError(await home.run(['queue', 'drop', '--set-aside', 'nobody']), 2, 'queue', /no peer or identity named "nobody"/);
    expectError(await home.run(['queue', 'retry']), 2, 'queue', /missing required argument/);
    expectError(await home.run(['queue', 'show', absent]), 1, 'queue', new RegExp(`no message ${absent} is waiting or set aside`));
    expectError(await home.run(['queue', 'drop', id, absent]), 1, 'queue', /nothing was changed/);
    expectError(await home.run(['queue', 'retry', absent, id]), 1, 'queue', /nothing was changed/);
    expect(await queuedFiles(home)).toEqual([`demo-ann/${id}.json`]);
    expect(await lifecycleLog(home)).toBe(before);
  });
});
