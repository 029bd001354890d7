// `iapeer daemon run` as a process: one per home, signals, the bare environment of a service
// manager, `status`, and a daemon that keeps ticking when one peer, the registry or the logs fail.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, type TestHome, tmux, waitFor } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { type DaemonProcess, daemonJson, startDaemon, waitForTicks } from '../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { expectOk, isRunning, lifecycleLines, serverUp } from '../../helpers/fleet.js';
import { addPeer, expectedText, livePeer, messagesOf, queuedFiles, sendJson } from '../../fixtures/messages.js';

const FAST = { IAPEER_SUPERVISE_INTERVAL_MS: '200' };

async function statusJson(home: TestHome): Promise<{ daemon: { state: string; pid?: number; stoppedAt?: string }; peers: Record<string, number>; queue: { waiting: number } }> {
  const result = await home.run(['status', '--json']);
  expectOk(result);
  return JSON.parse(result.stdout) as Awaited<ReturnType<typeof statusJson>>;
}

async function statusText(home: TestHome): Promise<string[]> {
  const result = await home.run(['status']);
  expectOk(result);
  return result.stdout.split('\n');
}

describe('the daemon process', () => {
  const home = useHome();

  it(
    '10 started at once: exactly one runs, the others exit 0 saying it is already running',
    async () => {
      const daemons = Array.from({ length: 10 }, () => startDaemon(home, FAST));
      const exits = await waitFor(
        () => (daemons.filter((daemon) => daemon.child.exitCode !== null).length === 9 ? daemons : undefined),
        'nine daemons to exit',
        scaled(30_000),
      );
      const survivor = exits.find((daemon) => daemon.child.exitCode === null) as DaemonProcess;
      for (const loser of exits.filter((daemon) => daemon !== survivor)) {
        expect(loser.child.exitCode, loser.stderr).toBe(0);
        expect(loser.stdout).toMatch(new RegExp(`already running .*\\(pid ${survivor.pid}\\)`));
      }
      await waitForTicks(home, survivor, 2);
      expect((await statusJson(home)).daemon).toMatchObject({ state: 'running', pid: survivor.pid });
      expect((await lifecycleLines(home)).filter((line) => / ev=daemon action=start /.test(line))).toHaveLength(1);
    },
    testTimeoutFor(60_000),
  );

  it(
    'SIGKILLed: status says stale (JSON and text), and nothing it left stops the next one',
    async () => {
      const first = startDaemon(home, FAST);
      await waitForTicks(home, first, 1);
      first.child.kill('SIGKILL');
      await first.exit;
      const killed = (await statusJson(home)).daemon;
      expect(killed).toMatchObject({ state: 'stale', pid: first.pid });
      expect(killed).not.toHaveProperty('stoppedAt');
      expect((await statusText(home))[0]).toBe(`daemon    not running (stale: pid ${first.pid} is gone); start it with iapeer daemon run, or see iapeer doctor`);

      const second = startDaemon(home, FAST);
      await waitForTicks(home, second, 2);
      expect((await statusJson(home)).daemon).toMatchObject({ state: 'running', pid: second.pid });
    },
    testTimeoutFor(60_000),
  );

  it(
    'SIGTERM: exit 0 well under 5 s, and status says stopped with when (JSON and text), never stale',
    async () => {
      const daemon = startDaemon(home, FAST);
      await waitForTicks(home, daemon, 2);
      expect((await statusJson(home)).daemon).toMatchObject({ state: 'running', pid: daemon.pid });
      const asked = Date.now();
      daemon.child.kill('SIGTERM');
      const { code } = await daemon.exit;
      expect(code, daemon.stderr).toBe(0);
      // Generous on a loaded machine; the contract's 5 s is for an idle one.
      expect(Date.now() - asked).toBeLessThan(scaled(5_000));

      const stopped = (await statusJson(home)).daemon;
      expect(stopped).toMatchObject({ state: 'stopped', pid: daemon.pid });
      const stoppedAt = Date.parse(String(stopped.stoppedAt));
      expect(stoppedAt).toBeGreaterThanOrEqual(asked - 1_000);
      expect(stoppedAt).toBeLessThanOrEqual(Date.now());
      const [head, tick] = await statusText(home);
      expect(head).toBe(`daemon    stopped at ${String(stopped.stoppedAt)} (pid ${daemon.pid}, cleanly); start it with iapeer daemon run, or iapeer daemon install`);
      expect(tick).toMatch(/^last tick \S+ ago, took [\d.]+ ms \(\d+ ticks\)$/);
      expect((await lifecycleLines(home)).filter((line) => / ev=daemon action=stop pid=/.test(line))).toHaveLength(1);

      // The next daemon takes over from a clean stop as from none.
      const next = startDaemon(home, FAST);
      await waitForTicks(home, next, 1);
      const running = (await statusJson(home)).daemon;
      expect(running).toMatchObject({ state: 'running', pid: next.pid });
      expect(running).not.toHaveProperty('stoppedAt');
    },
    testTimeoutFor(60_000),
  );

  it(
    'in a terminal, says once where it runs (home, pid, logs) and how to stop it; Ctrl-C stops it cleanly',
    async () => {
      const term = join(home.home, 'term');
      const env = Object.entries({ ...home.env, ...FAST }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
      // Ctrl-C reaches the whole foreground group; the trap keeps the shell to report the exit.
      const command = `trap true INT; ${process.execPath} ${CLI} daemon run; echo "daemon exited $?"; exec sleep 300`;
      try {
        expect(tmux(term, ['-f', '/dev/null', 'new-session', '-d', '-s', 'term', '-x', '200', '-y', '20', ...env, 'sh', '-c', command]).ok).toBe(true);
        const screen = () => tmux(term, ['capture-pane', '-p', '-J', '-t', '=term:']).stdout;
        const pid = Number(
          (await waitFor(() => /^iapeer daemon running \(pid (\d+)\)$/m.exec(screen()), 'the daemon to say where it runs', scaled(20_000)))[1],
        );
        expect(screen().split('\n').filter((line) => line !== '')).toEqual([
          `iapeer daemon running (pid ${pid})`,
          `  home  ${home.home}`,
          `  log   ${join(home.home, 'logs', 'daemon.log')} (its decisions: ${join(home.home, 'logs', 'lifecycle.log')})`,
          '  stop  Ctrl-C, or kill ' + String(pid),
        ]);
        await waitFor(async () => (await daemonJson(home))?.pid === pid, 'the daemon to write daemon.json', scaled(20_000));
        expect(tmux(term, ['send-keys', '-t', '=term:', 'C-c']).ok).toBe(true);
        await waitFor(() => screen().includes('daemon exited 0'), 'Ctrl-C to stop the daemon, exit 0', scaled(20_000));
        expect((await statusJson(home)).daemon).toMatchObject({ state: 'stopped', pid });
      } finally {
        tmux(term, ['kill-server']);
        // It ignores the hang-up of a terminal going away, as under a service manager.
        const left = (await daemonJson(home))?.pid;
        if (left !== undefined && isRunning(left)) process.kill(left, 'SIGKILL');
      }
    },
    testTimeoutFor(60_000),
  );

  it(
    'ticks in the bare environment of a service manager (no locale, PATH=/usr/bin:/bin); verbose adds the steady-state lines',
    async () => {
      await livePeer(home, 'bo');
      expectOk(await home.run(['add', 'al', '--runtime', 'demo', '--always-on']));
      const env = { ...FAST, PATH: '/usr/bin:/bin', HOME: home.home, IAPEER_SUPERVISE_LOG_VERBOSE: '1' };
      const daemon = startDaemon(home, env, { bare: true });
      await waitForTicks(home, daemon, 3);
      expect((await daemonJson(home))?.peers).toEqual({ 'demo-bo': 'live', 'demo-al': 'down' });
      expect(daemon.stderr).toBe('');
      const lines = await lifecycleLines(home);
      expect(lines.filter((line) => line.endsWith(' ev=supervise identity=demo-bo action=alive')).length).toBeGreaterThanOrEqual(3);
      expect(lines.filter((line) => line.endsWith(' ev=supervise identity=demo-al action=skipped-always-on')).length).toBeGreaterThanOrEqual(3);
    },
    testTimeoutFor(40_000),
  );

  it(
    'delivers what was queued while a peer was down, in order, once, also when killed mid-flush and restarted',
    async () => {
      const cwd = await addPeer(home, 'quinn');
      const expected: string[] = [];
      for (let i = 0; i < 12; i++) {
        const body = `queued ${i}\nline two of ${i}`;
        const sent = await sendJson(home, ['quinn', '--message', body, '--no-wake']);
        expect(sent.outcome).toBe('queued');
        expected.push(expectedText(sent.id, body));
      }
      let daemon = startDaemon(home, FAST);
      await waitFor(async () => (await messagesOf(cwd)).length >= 3, 'the first deliveries', scaled(30_000));
      daemon.child.kill('SIGKILL');
      await daemon.exit;
      daemon = startDaemon(home, FAST);
      await waitFor(async () => (await queuedFiles(home)).length === 0, 'the queue to empty', scaled(60_000));
      expect(await messagesOf(cwd)).toEqual(expected);
      await waitForTicks(home, daemon, 3);
      expect(await messagesOf(cwd)).toEqual(expected);
    },
    testTimeoutFor(120_000),
  );

  it(
    'keeps ticking for the others when a runtime is missing, the registry turns corrupt, or the log dir is read-only',
    async () => {
      await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { ghost: { fresh: ['no-such-runtime-binary'] } } }), { mode: 0o600 });
      await addPeer(home, 'gil', 'ghost');
      const cwd = await livePeer(home, 'bo');
      expectOk(await home.run(['self-fresh'], { env: { PEER_IDENTITY: 'ghost-gil' } }));
      const daemon = startDaemon(home, FAST);
      await waitForTicks(home, daemon, 3);
      const daemonLog = () => readFile(join(home.home, 'logs', 'daemon.log'), 'utf8').catch(() => '');
      await waitFor(async () => /level=error .*identity=ghost-gil .*no-such-runtime-binary/.test(await daemonLog()), 'the missing runtime in daemon.log', scaled(15_000));

      // A corrupt registry: logged, nothing reaped (every socket would look like an orphan), file kept.
      const registry = join(home.home, 'peers.json');
      const good = await readFile(registry, 'utf8');
      await writeFile(registry, '{"version": 2, "peers": [', { mode: 0o600 });
      await waitFor(async () => /level=error .*peers\.json/.test(await daemonLog()), 'the corrupt registry in daemon.log', scaled(15_000));
      await waitForTicks(home, daemon, 3);
      expect(await readFile(registry, 'utf8')).toBe('{"version": 2, "peers": [');
      expect(serverUp(home, 'demo-bo')).toBe(true);
      await writeFile(registry, good, { mode: 0o600 });

      // A read-only log directory: the daemon goes on, and still delivers.
      await chmod(join(home.home, 'logs'), 0o500);
      try {
        await waitForTicks(home, daemon, 3);
        expectOk(await home.run(['send', 'bo', '--message', 'still there?', '--no-wake']));
        await waitFor(async () => (await messagesOf(cwd)).some((text) => text.endsWith('still there?')), 'a delivery', scaled(20_000));
        expect(isRunning(daemon.pid)).toBe(true);
      } finally {
        await chmod(join(home.home, 'logs'), 0o700);
      }
      await waitForTicks(home, daemon, 2);
      expect((await daemonJson(home))?.peers['demo-bo']).toBe('live');
    },
    testTimeoutFor(120_000),
  );
});
