// IAPEER_ON_ATTENTION in a real daemon, with demo peers on real tmux: the command runs once per
// attention episode (the demo's `/ask` dialog) and once per blocker, with the event in its
// environment; a command that hangs is killed after the timeout while the daemon ticks on, and
// does not hold up its stop; a value that is no argv is refused before anything happens.
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/core/text/logfmt.js';
import { type TestHome, tmux, waitFor } from '../../helpers/cli.js';
import { daemonJson, startDaemon, waitForTicks } from '../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, isRunning, lifecycleLines } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';
import { addPeer, livePeer, screenOf, socketOf } from '../../fixtures/messages.js';

const FAST = { IAPEER_SUPERVISE_INTERVAL_MS: '200' };

interface Run {
  readonly at: number;
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A command that records each run (its arguments, stdin and environment) as a file in `dir`. */
async function recorder(home: TestHome): Promise<{ argv: string[]; runs: () => Promise<Run[]> }> {
  const dir = join(home.home, 'runs');
  const script = join(home.home, 'record.cjs');
  await writeFile(
    script,
    [
      "const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');",
      'const [dir, ...argv] = process.argv.slice(2);',
      'mkdirSync(dir, { recursive: true });',
      "const run = { at: Date.now(), argv, stdin: readFileSync(0, 'utf8'), env: process.env };",
      "writeFileSync(`${dir}/${Date.now()}-${process.pid}.json`, JSON.stringify(run));",
    ].join('\n'),
  );
  const runs = async () => {
    const names = await readdir(dir).catch(() => [] as string[]);
    const found = await Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as Run));
    return found.sort((a, b) => a.at - b.at);
  };
  return { argv: [process.execPath, script, dir, 'an argument with spaces', '$HOME'], runs };
}

/** Opens the demo's permission dialog, as a human typing `/ask …` would. */
async function ask(home: TestHome, identity: string, question: string): Promise<void> {
  tmux(socketOf(home, identity), ['send-keys', '-t', '%0', '-l', `/ask ${question}`]);
  tmux(socketOf(home, identity), ['send-keys', '-t', '%0', 'Enter']);
  await waitFor(() => screenOf(home, identity).includes(`? ${question}`), 'the dialog', scaled(15_000), 50);
}

/** Answers the dialog (Enter allows), and waits for the end of its episode in the log. */
async function answer(home: TestHome, identity: string): Promise<void> {
  const cleared = async () => (await lifecycleLines(home)).filter((line) => line.endsWith(` ev=attention identity=${identity} action=cleared`)).length;
  const before = await cleared();
  tmux(socketOf(home, identity), ['send-keys', '-t', '%0', 'Enter']);
  await waitFor(async () => (await cleared()) > before, 'the episode to end', scaled(15_000), 100);
}

const linesOf = async (home: TestHome, pattern: RegExp) => (await lifecycleLines(home)).filter((line) => pattern.test(line));

/** The files of a home, as relative paths with their contents. */
async function snapshot(home: TestHome): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(home.home, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    found[relative(home.home, path)] = entry.isFile() ? await readFile(path, 'utf8') : `<${entry.isDirectory() ? 'dir' : 'other'}>`;
  }
  return found;
}

describe('IAPEER_ON_ATTENTION', () => {
  const home = useHome();

  it(
    'runs the command once per episode opened after the daemon started, with the documented variables, whoever logged it',
    async () => {
      await livePeer(home, 'ann');
      const { argv, runs } = await recorder(home);
      // An episode logged (by list) before the daemon starts is not notified, even while it goes on.
      await ask(home, 'demo-ann', 'before the daemon?');
      await waitFor(
        async () => {
          expectOk(await home.run(['list']));
          return (await linesOf(home, / ev=attention identity=demo-ann reason=/)).length === 1;
        },
        'list to log the episode',
        scaled(15_000),
        200,
      );
      const daemon = startDaemon(home, { ...FAST, IAPEER_ON_ATTENTION: JSON.stringify(argv), IAPEER_TEST_MARK: 'from the daemon' });
      await waitForTicks(home, daemon, 5);
      expect(await runs()).toEqual([]);
      await answer(home, 'demo-ann');

      await ask(home, 'demo-ann', 'deploy to prod?');
      const [run] = await waitFor(async () => ((await runs()).length > 0 ? runs() : undefined), 'the command to run', scaled(20_000), 100);
      const opened = parseLine((await linesOf(home, / ev=attention identity=demo-ann reason=/))[1] ?? '');
      // The daemon's tick may see the dialog between its two hooks: the words are then the first hook's.
      const msg = opened?.get('msg');
      expect(opened?.get('reason')).toBe('permission');
      expect(['deploy to prod?', 'permission requested']).toContain(msg);
      expect(run?.env).toMatchObject({
        IAPEER_EVENT: 'attention',
        IAPEER_EVENT_IDENTITY: 'demo-ann',
        IAPEER_EVENT_REASON: 'permission',
        IAPEER_EVENT_MESSAGE: msg,
        IAPEER_TEST_MARK: 'from the daemon',
        IAPEER_HOME: home.home,
      });
      expect(run?.argv).toEqual(['an argument with spaces', '$HOME']);
      expect(run?.stdin).toBe('');

      // More looks at the same episode (the daemon's ticks, list, status) change nothing.
      await waitForTicks(home, daemon, 5);
      expectOk(await home.run(['list']));
      expectOk(await home.run(['status']));
      await waitForTicks(home, daemon, 3);
      expect(await runs()).toHaveLength(1);
      expect((await linesOf(home, / ev=notify /)).map((line) => line.replace(/^ts=\S+ /, ''))).toEqual([
        'ev=notify identity=demo-ann event=attention outcome=sent',
      ]);

      // The next episode is told again.
      await answer(home, 'demo-ann');
      await ask(home, 'demo-ann', 'and now?');
      await waitFor(async () => (await runs()).length === 2, 'the second episode told', scaled(20_000), 100);
      await waitForTicks(home, daemon, 5);
      expect(await runs()).toHaveLength(2);
      expect(await linesOf(home, / ev=notify identity=demo-ann event=attention outcome=sent$/)).toHaveLength(2);
      expect(daemon.stderr).toBe('');
    },
    testTimeoutFor(120_000),
  );

  it(
    'an episode that list logged between two ticks is told by the daemon all the same',
    async () => {
      await livePeer(home, 'flo');
      const { argv, runs } = await recorder(home);
      // One tick at the start, none while the test runs: only list can see the dialog.
      const daemon = startDaemon(home, { IAPEER_SUPERVISE_INTERVAL_MS: '3600000', IAPEER_ON_ATTENTION: JSON.stringify(argv) });
      await waitForTicks(home, daemon, 1);
      await ask(home, 'demo-flo', 'is list enough?');
      await waitFor(
        async () => {
          expectOk(await home.run(['list']));
          return (await linesOf(home, / ev=attention identity=demo-flo reason=/)).length === 1;
        },
        'list to log the episode',
        scaled(15_000),
        200,
      );
      const [run] = await waitFor(async () => ((await runs()).length > 0 ? runs() : undefined), 'the command to run', scaled(20_000), 100);
      expect(run?.env).toMatchObject({ IAPEER_EVENT: 'attention', IAPEER_EVENT_IDENTITY: 'demo-flo', IAPEER_EVENT_REASON: 'permission' });
      expect((await daemonJson(home))?.ticks).toBe(1);
    },
    testTimeoutFor(60_000),
  );

  it(
    'a command that hangs is killed with its children after 10 s and logged, the daemon ticking on; at a stop it is killed too, and the stop is prompt',
    async () => {
      await livePeer(home, 'bo');
      const pids = join(home.home, 'hang.pids');
      const hang = join(home.home, 'hang.sh');
      // Deaf to TERM, and so is its child: only the group's KILL ends them.
      await writeFile(hang, `#!/bin/sh\ntrap '' TERM\necho $$ >> ${pids}\nsleep 300 &\necho $! >> ${pids}\nwait\n`);
      await chmod(hang, 0o700);
      const daemon = startDaemon(home, { ...FAST, IAPEER_ON_ATTENTION: JSON.stringify([hang]) });
      await waitForTicks(home, daemon, 1);
      const hanging = async (count: number) =>
        waitFor(
          async () => {
            const found = (await readFile(pids, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
            return found.length >= count ? found.slice(count - 2) : undefined;
          },
          'the command to start',
          scaled(20_000),
          50,
        );

      await ask(home, 'demo-bo', 'may I?');
      const first = await hanging(2);
      const startedAt = Date.now();
      // The daemon goes on while the command hangs.
      await waitForTicks(home, daemon, 3);
      expect(first.every(isRunning)).toBe(true);
      const failed = await waitFor(
        async () => (await linesOf(home, / ev=notify identity=demo-bo /))[0],
        'the timeout to be logged',
        scaled(40_000),
        100,
      );
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(9_000);
      expect(failed).toMatch(/ ev=notify identity=demo-bo event=attention reason="timed out after 10s" outcome=failed$/);
      await waitFor(() => !first.some(isRunning), 'the command and its child to be gone', scaled(10_000), 100);
      const ticks = (await daemonJson(home))?.ticks ?? 0;
      await waitForTicks(home, daemon, 2);
      expect((await daemonJson(home))?.ticks).toBeGreaterThan(ticks);

      // Another episode, another hang; a stop does not wait for it.
      await answer(home, 'demo-bo');
      await ask(home, 'demo-bo', 'may I now?');
      const second = await hanging(4);
      const asked = Date.now();
      daemon.child.kill('SIGTERM');
      const { code } = await daemon.exit;
      expect(code, daemon.stderr).toBe(0);
      expect(Date.now() - asked).toBeLessThan(scaled(5_000));
      await waitFor(() => !second.some(isRunning), 'the command cut short to be gone', scaled(10_000), 100);
      const lines = await lifecycleLines(home);
      const cut = lines.findIndex((line) => / ev=notify identity=demo-bo event=attention reason="stopped with the daemon" outcome=failed$/.test(line));
      expect(cut).toBeGreaterThan(-1);
      expect(cut).toBeLessThan(lines.findIndex((line) => / ev=daemon action=stop /.test(line)));
    },
    testTimeoutFor(120_000),
  );

  it(
    'a blocker is told once: crash-loop, with the deaths',
    async () => {
      const { argv, runs } = await recorder(home);
      const crashy = { fresh: ['/bin/sh', '-c', 'echo giving up; exit 1'], ready: '^demo> ' };
      await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { crashy } }), { mode: 0o600 });
      await addPeer(home, 'cy', 'crashy');
      expectOk(await home.run(['self-fresh', '--handoff', 'try again'], { env: { PEER_IDENTITY: 'crashy-cy' } }));
      const daemon = startDaemon(home, { ...FAST, IAPEER_ON_ATTENTION: JSON.stringify(argv) });
      await waitFor(async () => (await runs()).length > 0, 'the blocker told', scaled(60_000), 200);
      expect(await linesOf(home, / ev=blocker identity=crashy-cy deaths=5 window=600s$/)).toHaveLength(1);
      await waitForTicks(home, daemon, 10);
      const told = await runs();
      expect(told).toHaveLength(1);
      expect(told[0]?.env).toMatchObject({
        IAPEER_EVENT: 'blocker',
        IAPEER_EVENT_IDENTITY: 'crashy-cy',
        IAPEER_EVENT_REASON: 'crash-loop',
        IAPEER_EVENT_MESSAGE: '5 deaths in 600s',
      });
      expect((await linesOf(home, / ev=notify /)).map((line) => line.replace(/^ts=\S+ /, ''))).toEqual([
        'ev=notify identity=crashy-cy event=blocker outcome=sent',
      ]);
    },
    testTimeoutFor(120_000),
  );

  it('a command that is not there is a failure logged with the PATH searched, and the daemon says so once at its start', async () => {
    await livePeer(home, 'di');
    const daemon = startDaemon(home, { ...FAST, PATH: '/usr/bin:/bin', IAPEER_ON_ATTENTION: '["iapeer-no-such-notifier","hi"]' });
    await waitForTicks(home, daemon, 1);
    await ask(home, 'demo-di', 'anyone?');
    const failed = await waitFor(async () => (await linesOf(home, / ev=notify /))[0], 'the failure logged', scaled(20_000), 100);
    expect(failed).toMatch(/ ev=notify identity=demo-di event=attention reason="cannot run iapeer-no-such-notifier: not found on PATH \/usr\/bin:\/bin" outcome=failed$/);
    const daemonLog = await readFile(join(home.home, 'logs', 'daemon.log'), 'utf8');
    expect(daemonLog.split('\n').filter((line) => line.includes('IAPEER_ON_ATTENTION names no executable file'))).toEqual([
      expect.stringMatching(/ level=warn .* command=iapeer-no-such-notifier path=\/usr\/bin:\/bin$/),
    ]);
    await waitForTicks(home, daemon, 2);
    expect(isRunning(daemon.pid)).toBe(true);
  }, testTimeoutFor(60_000));

  it('a value that is no argv is refused (exit 2, saying what is expected) and nothing is touched', async () => {
    await addPeer(home, 'ed');
    const before = await snapshot(home);
    for (const value of ['notify-send iapeer', '"notify-send"', '[]', '[""]', '["notify-send", 3]', '{"argv":["notify-send"]}', '["~/bin/notify"]', '[']) {
      for (const args of [['daemon', 'run'], ['list']]) {
        const result = await home.run(args, { env: { IAPEER_ON_ATTENTION: value } });
        expectError(result, 2, args[0] ?? '', /IAPEER_ON_ATTENTION: expected a JSON array of strings, none empty: .*, got "/);
        expect(result.stderr).toContain(`got ${JSON.stringify(value)}`);
      }
    }
    const empty = await home.run(['daemon', 'run'], { env: { IAPEER_ON_ATTENTION: '' } });
    expectError(empty, 2, 'daemon', /IAPEER_ON_ATTENTION: is set but empty/);
    expect(await snapshot(home)).toEqual(before);
  });
});
