// A wake only wakes: it queues the session's first message ahead of whatever waits, and the
// queue delivers it. A send that waits for another delivery says so.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, waitFor } from '../../../helpers/cli.js';
import { scaled } from '../../../helpers/deadline.js';
import { spawnCollected, spawnFixture } from '../../../helpers/fixtures.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectedText, lifecycleLog, livePeer, messagesOf, queuedFiles, sendJson, transcriptOf } from '../../../fixtures/messages.js';
import { mkdir } from 'node:fs/promises';

describe('the first message of a session', () => {
  const home = useHome();

  it('goes before the messages that waited for the peer, each once, in order', async () => {
    const cwd = join(home.home, 'work-ivy');
    await mkdir(cwd, { recursive: true });
    const added = await home.run(['add', 'ivy', '--runtime', 'demo', '--cwd', cwd, '--initial-prompt', 'read the plan first']);
    expect(added.code, added.stderr).toBe(0);
    const waited = [await sendJson(home, ['ivy', '--message', 'one', '--no-wake']), await sendJson(home, ['ivy', '--message', 'two', '--no-wake'])];
    expect(waited.map((sent) => sent.outcome)).toEqual(['queued', 'queued']);

    const started = await home.run(['start', 'ivy']);
    expect(started.code, started.stderr).toBe(0);
    // `start` returns with the first message delivered; what waited before stays queued for the daemon.
    const [first] = await messagesOf(cwd);
    expect(first).toMatch(/^\[iap from=operator topic=initial-prompt id=\S+\]\nread the plan first$/);
    expect(await queuedFiles(home)).toHaveLength(2);

    const flushed = await home.run(['queue', '--flush']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(await messagesOf(cwd)).toEqual([first, ...waited.map((sent, index) => expectedText(sent.id, ['one', 'two'][index] as string))]);
    expect(await queuedFiles(home)).toEqual([]);
    const firstId = /id=(\S+)\]/.exec(first ?? '')?.[1] as string;
    expect((await lifecycleLog(home)).match(new RegExp(` ev=deliver identity=demo-ivy id=${firstId} outcome=delivered`, 'g'))).toHaveLength(1);
  });

  it('a send that waits for another delivery to the identity says what it waits for, then delivers', async () => {
    const cwd = await livePeer(home, 'joe');
    const holder = spawnFixture('lock-holder', [home.home, '10000', 'demo-joe', 'deliver']);
    await waitFor(() => holder.stdout.includes('locked '), 'the delivery lock', scaled(20_000));
    const send = spawnCollected('send', [CLI, 'send', 'joe', '--message', 'after you', '--json'], { env: home.env });
    await waitFor(() => send.stderr.includes('waiting'), 'the waiting notice', scaled(20_000));
    holder.child.kill('SIGTERM');
    await holder.exit;
    const { code } = await send.exit;
    expect(code, send.stderr).toBe(0);
    expect(send.stderr).toBe(`iapeer: send: waiting for the delivery lock of demo-joe (held by pid ${holder.child.pid})…\n`);
    const sent = JSON.parse(send.stdout) as { id: string; outcome: string };
    expect(sent.outcome).toBe('delivered');
    expect((await transcriptOf(cwd)).length).toBeGreaterThan(0);
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'after you')]);
  });
});
