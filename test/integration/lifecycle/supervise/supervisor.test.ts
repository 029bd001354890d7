// The supervise tick against real tmux servers and a real `daemon run` process: idle reaps,
// gone and zombie sessions, orphan sockets, self-fresh relaunches, the crash-loop guard.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TestHome, tmux, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { startDaemon, waitForTicks } from '../../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { expectOk, lifecycleLines, rowOf, runtimePidOf, serverUp, socketExists } from '../../../helpers/fleet.js';
import { DEMO_AGENT, DEMO_KNOBS, addPeer, livePeer, messagesOf } from '../../../fixtures/messages.js';

const FAST = { IAPEER_SUPERVISE_INTERVAL_MS: '200' };

function linesMatching(lines: readonly string[], pattern: RegExp): string[] {
  return lines.filter((line) => pattern.test(line));
}

async function waitForLine(home: TestHome, pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
  return waitFor(async () => linesMatching(await lifecycleLines(home), pattern)[0], what, scaled(timeoutMs));
}

describe('the supervise tick', () => {
  const home = useHome();

  it(
    'reaps a peer idle past its timeout; the next message resumes it',
    async () => {
      const cwd = await livePeer(home, 'ida');
      expectOk(await home.run(['add', 'ida', '--runtime', 'demo', '--cwd', cwd, '--idle-timeout', '2']));
      startDaemon(home, FAST);
      const reaped = await waitForLine(home, / ev=supervise identity=demo-ida action=reaped-idle age=\d+s/, 'the idle reap');
      expect(Number(/age=(\d+)s/.exec(reaped)?.[1])).toBeGreaterThanOrEqual(2);
      expect(serverUp(home, 'demo-ida')).toBe(false);
      expect((await rowOf(home, 'demo-ida'))?.state).toBe('down');

      const sent = await home.run(['send', 'ida', '--message', 'back to work', '--json']);
      expectOk(sent);
      expect(JSON.parse(sent.stdout)).toMatchObject({ outcome: 'woken-delivered' });
      expect(linesMatching(await lifecycleLines(home), / ev=wake personality=ida runtime=demo mode=resume cause=idle-reaped/)).toHaveLength(1);
      expect((await messagesOf(cwd)).at(-1)).toMatch(/back to work$/);
    },
    testTimeoutFor(60_000),
  );

  it(
    'records a session whose agent was killed as gone, with its exit status; the next message starts it fresh',
    async () => {
      await livePeer(home, 'gus');
      const row = await rowOf(home, 'demo-gus');
      process.kill(runtimePidOf(row?.pid ?? -1), 'SIGKILL');
      startDaemon(home, FAST);
      const gone = await waitForLine(home, / ev=supervise identity=demo-gus action=reaped-gone /, 'the gone reap');
      expect(gone).toMatch(/ action=reaped-gone reason=exited outcome=fresh-next-msg exit=137$/);
      expect(socketExists(home, 'demo-gus')).toBe(false);
      const deaths = JSON.parse(readFileSync(join(home.home, 'state', 'demo-gus', 'deaths'), 'utf8')) as Array<{ exit: number }>;
      expect(deaths.map((death) => death.exit)).toEqual([137]);

      expectOk(await home.run(['send', 'gus', '--message', 'are you there?']));
      expect(linesMatching(await lifecycleLines(home), / ev=wake personality=gus runtime=demo mode=fresh cause=crash-or-self-close/)).toHaveLength(1);
      // Recorded once: later ticks see the death on record.
      expect(linesMatching(await lifecycleLines(home), /action=reaped-gone/)).toHaveLength(1);
    },
    testTimeoutFor(60_000),
  );

  it(
    'relaunches a peer after self-fresh within two ticks, its handoff as the first message',
    async () => {
      const cwd = await livePeer(home, 'fay');
      const before = (await rowOf(home, 'demo-fay'))?.pid;
      const daemon = startDaemon(home, { IAPEER_SUPERVISE_INTERVAL_MS: '1000' });
      await waitForTicks(home, daemon, 1);
      expectOk(await home.run(['self-fresh', '--handoff', 'resume notes: step 3 of 5'], { env: { PEER_IDENTITY: 'demo-fay' } }));
      await waitFor(async () => {
        const row = await rowOf(home, 'demo-fay');
        return row?.state === 'live' && row.pid !== before;
      }, 'the relaunch', scaled(15_000));
      await waitFor(async () => (await messagesOf(cwd)).length > 0, 'the handoff', scaled(20_000));
      const first = (await messagesOf(cwd))[0];
      expect(first).toMatch(/^\[iap from=demo-fay topic=handoff id=\S+\]\nresume notes: step 3 of 5$/);
      const lines = await lifecycleLines(home);
      expect(linesMatching(lines, / ev=wake personality=fay runtime=demo mode=fresh cause=self-fresh/)).toHaveLength(1);
      expect(linesMatching(lines, /reaped-gone/)).toEqual([]);
      // The self-fresh end is on record for the crash-loop guard (an agent that does it at every start gets blocked).
      const deaths = JSON.parse(readFileSync(join(home.home, 'state', 'demo-fay', 'deaths'), 'utf8')) as unknown[];
      expect(deaths).toEqual([expect.objectContaining({ exit: null, fast: true, selfFresh: true })]);
    },
    testTimeoutFor(60_000),
  );

  it(
    'blocks a runtime that dies at once under eager relaunch after five fast deaths, once, and start lifts it',
    async () => {
      const crashy = { fresh: ['/bin/sh', '-c', 'echo giving up; exit 1'], ready: '^demo> ' };
      await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { crashy } }), { mode: 0o600 });
      await addPeer(home, 'cy', 'crashy');
      expectOk(await home.run(['self-fresh', '--handoff', 'try again'], { env: { PEER_IDENTITY: 'crashy-cy' } }));
      const daemon = startDaemon(home, FAST);
      await waitForLine(home, / ev=blocker identity=crashy-cy deaths=5 window=600s/, 'the blocker', 60_000);
      const spawns = () => lifecycleLines(home).then((lines) => linesMatching(lines, / ev=wake personality=cy /).length);
      expect(await spawns()).toBe(5);
      await waitForTicks(home, daemon, 10);
      expect(await spawns()).toBe(5);
      const lines = await lifecycleLines(home);
      expect(linesMatching(lines, / ev=blocker /)).toHaveLength(1);
      expect(linesMatching(lines, /identity=crashy-cy action=reaped-gone .*outcome=blocked/)).toHaveLength(1);
      expect((await rowOf(home, 'crashy-cy'))?.state).toBe('blocked');

      // Fixed, then started by the operator: it runs again.
      const fixed = { fresh: [process.execPath, DEMO_AGENT], ready: '^demo> ', ...DEMO_KNOBS };
      await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { crashy: fixed } }), { mode: 0o600 });
      expectOk(await home.run(['start', 'cy']));
      expect((await rowOf(home, 'crashy-cy'))?.state).toBe('live');
    },
    testTimeoutFor(120_000),
  );

  it(
    'ends a stray server on a socket with no record and removes its socket; reaps a dead pane iapeer did not start',
    async () => {
      await addPeer(home, 'zed');
      execFileSync('mkdir', ['-p', '-m', '700', home.sockDir]);
      const conf = join(home.home, 'stray.conf');
      await writeFile(conf, 'set -g remain-on-exit on\n');
      tmux(join(home.sockDir, 'demo-ghost'), ['-f', conf, 'new-session', '-d', '-s', 'demo-ghost', 'sleep 600']);
      tmux(join(home.sockDir, 'demo-zed'), ['-f', conf, 'new-session', '-d', '-s', 'demo-zed', 'exit 3']);
      // Not iapeer's: a name that is no identity.
      tmux(join(home.sockDir, 'Not_Ours'), ['-f', conf, 'new-session', '-d', '-s', 'x', 'sleep 600']);
      expect(serverUp(home, 'demo-ghost')).toBe(true);
      startDaemon(home, FAST);
      await waitForLine(home, / ev=supervise identity=demo-ghost action=reaped-orphan$/, 'the orphan reap');
      // A stray server has no iapeer wrapper to record the status, and tmux 3.3 does not always collect it.
      await waitForLine(home, / ev=supervise identity=demo-zed action=reaped-zombie( exit=3)?$/, 'the zombie reap');
      expect(socketExists(home, 'demo-ghost')).toBe(false);
      expect(socketExists(home, 'demo-zed')).toBe(false);
      expect(serverUp(home, 'Not_Ours')).toBe(true);
      tmux(join(home.sockDir, 'Not_Ours'), ['kill-server']);
    },
    testTimeoutFor(40_000),
  );

  it(
    'without a peers.json, still ends a stray server, but never a session of this home (its registry moved aside)',
    async () => {
      await livePeer(home, 'kay');
      await rename(join(home.home, 'peers.json'), join(home.home, 'peers.json.aside'));
      tmux(join(home.sockDir, 'demo-stray'), ['new-session', '-d', '-s', 'demo-stray', 'sleep 600']);
      const daemon = startDaemon(home, FAST);
      await waitForLine(home, / ev=supervise identity=demo-stray action=reaped-orphan$/, 'the stray server reaped');
      await waitForTicks(home, daemon, 3);
      expect(serverUp(home, 'demo-kay')).toBe(true);
      expect(linesMatching(await lifecycleLines(home), /identity=demo-kay action=reaped/)).toEqual([]);
    },
    testTimeoutFor(40_000),
  );
});
