// send against down, stopped and unwakeable peers, the durable queue, a flush killed
// (SIGKILL) in the middle, and bad input that must leave no trace.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { type TestHome, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { testTimeoutFor } from '../../../helpers/deadline.js';
import { exited, spawnFixture } from '../../../helpers/fixtures.js';
import { addPeer, expectedText, lifecycleLog, livePeer, messagesOf, queuedFiles, sendJson } from '../../../fixtures/messages.js';

async function flushOnce(home: TestHome): Promise<{ delivered: string[]; waiting: Record<string, string> }> {
  const flush = spawnFixture('flush-queue', [home.home]);
  const { code } = await flush.exit;
  expect(code, flush.stderr).toBe(0);
  return JSON.parse(flush.stdout.trim().split('\n').pop() ?? '') as { delivered: string[]; waiting: Record<string, string> };
}

describe('send and the queue', () => {
  const home = useHome();

  it('wakes a down warm peer and delivers', async () => {
    const cwd = await addPeer(home, 'bob');
    const sent = await sendJson(home, ['bob', '--message', 'wake up']);
    expect(sent).toEqual({ id: sent.id, target: 'bob', identity: 'demo-bob', outcome: 'woken-delivered' });
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'wake up')]);
    const log = await lifecycleLog(home);
    expect(log).toMatch(/ ev=wake personality=bob runtime=demo mode=fresh cause=first-start/);
    expect(log).toMatch(new RegExp(` ev=deliver identity=demo-bob id=${sent.id} outcome=woken-delivered`));
  });

  it('refuses a stopped peer: exit 1, nothing queued', async () => {
    await livePeer(home, 'bob');
    expect((await home.run(['stop', 'bob'])).code).toBe(0);
    const result = await home.run(['send', 'bob', '--message', 'hello?']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^iapeer: send: demo-bob is stopped.*iapeer start bob/);
    expect(await queuedFiles(home)).toEqual([]);
  });

  it('--no-wake on a down peer queues; a flush after start delivers it once', async () => {
    const cwd = await addPeer(home, 'bob');
    const sent = await sendJson(home, ['bob', '--message', 'later, please', '--no-wake']);
    expect(sent.outcome).toBe('queued');
    const listed = await home.run(['queue', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: sent.id, identity: 'demo-bob', from: 'operator', state: 'waiting' })]);
    expect(await messagesOf(cwd)).toEqual([]);

    expect((await home.run(['start', 'bob'])).code).toBe(0);
    expect((await flushOnce(home)).delivered).toEqual([sent.id]);
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'later, please')]);
    expect((await flushOnce(home)).delivered).toEqual([]);
    expect(await messagesOf(cwd)).toHaveLength(1);
    expect(JSON.parse((await home.run(['queue', '--json'])).stdout)).toEqual([]);
  });

  it('a flush killed (SIGKILL) again and again delivers each message exactly once, in order', async () => {
    const cwd = await addPeer(home, 'bob');
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const body = `queued ${i}\nsecond line of ${i}`;
      const sent = await sendJson(home, ['bob', '--message', body, '--no-wake']);
      expect(sent.outcome).toBe('queued');
      expected.push(expectedText(sent.id, body));
    }
    expect((await home.run(['start', 'bob'])).code).toBe(0);

    // Kill each flush a varying moment after it delivered something, until the queue is empty.
    let kills = 0;
    for (let round = 0; round < 40 && (await queuedFiles(home)).length > 0; round++) {
      const before = (await messagesOf(cwd)).length;
      const flush = spawnFixture('flush-queue', [home.home]);
      await waitFor(async () => exited(flush) || (await messagesOf(cwd)).length > before, 'a delivery by this flush', 60_000);
      await sleep((round * 37) % 180);
      if (!exited(flush)) {
        flush.child.kill('SIGKILL');
        kills += 1;
      }
      await flush.exit;
    }
    await flushOnce(home);
    expect(kills).toBeGreaterThan(3);
    expect(await messagesOf(cwd)).toEqual(expected);
    expect(await queuedFiles(home)).toEqual([]);
  }, testTimeoutFor(40_000));
});

describe('bad input leaves no trace', () => {
  const home = useHome();
  let cwd: string;
  beforeEach(async () => {
    cwd = await livePeer(home, 'bob');
  });

  it('exit 2, one line on stderr, nothing queued or pasted', async () => {
    const big = join(home.home, 'big.txt');
    await writeFile(big, 'x'.repeat(256 * 1024 + 1));
    const cases: readonly (readonly string[])[] = [
      ['bob', '--message-file', big],
      ['bob', '--message', 'x', '--attachment', join(home.home, 'no-such-file')],
      ['nobody', '--message', 'x'],
      ['demo-nobody', '--message', 'x'],
      ['bob', '--message', 'x', '--from', 'claude-nobody'],
      ['bob', '--message', 'x', '--from', 'not an identity'],
      ['bob', '--message', 'x', '--message-file', big],
      ['bob'],
      ['bob', '--message', 'x', '--topic', 'has space'],
      ['bob', '--message', 'x', '--topic', '-leading-dash'],
      ['bob', '--message-file', join(home.home, 'missing.txt')],
    ];
    for (const args of cases) {
      const result = await home.run(['send', ...args]);
      expect(result.code, `send ${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(/^iapeer: send: /);
      expect(result.stdout).toBe('');
      expect(await queuedFiles(home), args.join(' ')).toEqual([]);
    }
    // Exactly at the limit is fine.
    await writeFile(big, 'x'.repeat(256 * 1024));
    const atLimit = await sendJson(home, ['bob', '--message-file', big]);
    expect(await messagesOf(cwd)).toEqual([expectedText(atLimit.id, 'x'.repeat(256 * 1024))]);
  });
});
