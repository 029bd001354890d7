import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { startDaemon } from '../../../helpers/daemon.js';
import { scaled } from '../../../helpers/deadline.js';
import { type FakeServiceManager, makeFakeServiceManager } from '../../../helpers/fake-service-manager.js';
import { expectError, expectOk, isRunning, lifecycleLines, rowOf, serverUp, workDir } from '../../../helpers/fleet.js';
import { SERVICE_NODE_FLAGS } from '../../../../src/lifecycle/services/service-setup.js';
import { messagesOf, queuedFiles, sendJson } from '../../../fixtures/messages.js';

const home = useHome();
let fake: FakeServiceManager;
let userHome: string;
const keepers: ChildProcess[] = [];

beforeEach(async () => {
  userHome = join(home.home, 'user');
  await mkdir(userHome);
  fake = await makeFakeServiceManager(join(home.home, 'fake'), { runUnits: true });
});

afterEach(async () => {
  for (const child of keepers.splice(0)) child.kill('SIGKILL');
  await fake.cleanup();
});

function run(args: string[]) {
  return home.run(args, { env: { ...fake.env, HOME: userHome } });
}

/** The peer service's unit for this (non-default) home: named after the identity and a hash of the home. */
function unitOf(identity: string): { unit: string; file: string } {
  const unit = `iapeer-peer-${identity}-${createHash('sha256').update(home.home).digest('hex').slice(0, 8)}.service`;
  return { unit, file: join(userHome, '.config', 'systemd', 'user', unit) };
}

async function addDemo(name: string, extra: string[] = []): Promise<string> {
  const cwd = await workDir(home, name);
  expectOk(await run(['add', name, '--runtime', 'demo', '--cwd', cwd, ...extra]));
  return cwd;
}

async function markers(identity: string): Promise<string[]> {
  return (await readdir(join(home.home, 'state', identity)).catch(() => [] as string[])).sort();
}

describe('always-on peers under systemd (fake systemctl running the units for real)', () => {
  it('start brings the session up and installs and starts the service, whose keeper keeps it up; stop stops both', async () => {
    await addDemo('boris', ['--always-on']);
    const { unit, file } = unitOf('demo-boris');

    const started = await run(['start', 'boris']);
    expectOk(started);
    expect(started.stdout).toMatch(/^started demo-boris \(fresh, first-start\), pid \d+\n$/);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^# Written by iapeer \(iapeer start \(always-on demo-boris\)\)/);
    expect(text).toContain(`ExecStart="${process.execPath}" ${SERVICE_NODE_FLAGS.map((flag) => `"${flag}"`).join(' ')} "${CLI}" "daemon" "peer" "demo-boris"`);
    expect(await fake.calls()).toEqual([
      ['systemctl', '--user', 'is-system-running'],
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'reset-failed', unit],
      ['systemctl', '--user', 'enable', '--now', unit],
      ['loginctl', 'show-user', String(process.getuid?.()), '--property=Linger', '--value'],
    ]);
    const keeper = await fake.unitPid(unit);
    expect(keeper !== undefined && isRunning(keeper)).toBe(true);
    const row = await rowOf(home, 'demo-boris');
    expect(row).toMatchObject({ state: 'live', alwaysOn: true });
    const log = join(home.home, 'logs', 'service-peer-demo-boris.log');
    await waitFor(async () => (await readFile(log, 'utf8').catch(() => '')).includes(`demo-boris: live, pid ${row?.pid}; keeping it up`), 'the keeper to log');

    // Starting again leaves the live session and the running keeper as they are.
    const again = await run(['start', 'boris']);
    expectOk(again);
    expect(again.stdout).toBe(`demo-boris is already live, pid ${row?.pid}\n`);
    expect(await fake.unitPid(unit)).toBe(keeper);

    const calls = (await fake.calls()).length;
    const stopped = await run(['stop', 'boris']);
    expectOk(stopped);
    expect(stopped.stdout).toBe('stopped demo-boris\n');
    expect((await fake.calls()).slice(calls)).toEqual([
      ['systemctl', '--user', 'is-system-running'],
      ['systemctl', '--user', 'disable', '--now', unit],
    ]);
    expect(isRunning(keeper as number)).toBe(false);
    expect(serverUp(home, 'demo-boris')).toBe(false);
    expect(await rowOf(home, 'demo-boris')).toMatchObject({ state: 'stopped', pid: null });
    expect(await markers('demo-boris')).toContain('stopped');
    // The keeper left the session to stop: its death was not recorded.
    expect(await markers('demo-boris')).not.toContain('deaths');
    expect(await readFile(log, 'utf8')).toContain('demo-boris: signalled; its session is left as it is');
    // The file stays for the next start.
    expect(await readFile(file, 'utf8')).toBe(text);

    // After a stop, start is the operator's fresh start, and the stopped session is no death.
    const restarted = await run(['start', 'boris']);
    expectOk(restarted);
    expect(restarted.stdout).toMatch(/^started demo-boris \(fresh, operator\), pid \d+\n$/);
    expect(await rowOf(home, 'demo-boris')).toMatchObject({ state: 'live' });
    await waitFor(async () => (await readFile(log, 'utf8')).split('keeping it up').length === 3, 'the new keeper to watch the session');
    expect(await markers('demo-boris')).not.toContain('deaths');
    const events = (await lifecycleLines(home)).map((line) => / ev=(\S+)/.exec(line)?.[1]);
    expect(events).toEqual(['add', 'wake', 'start', 'start', 'stop', 'wake', 'start']);
  });

  it('installs no service when the session cannot be brought up, and says why', async () => {
    await addDemo('olga', ['--always-on']);
    await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { demo: { fresh: ['/nonexistent/agent'] } } }));
    const result = await run(['start', 'olga']);
    expectError(result, 1, 'start', /runtime demo: command "\/nonexistent\/agent" is not on PATH/);
    expect(existsSync(unitOf('demo-olga').file)).toBe(false);
    expect(await fake.calls()).toEqual([['systemctl', '--user', 'is-system-running']]);
  });

  it('refuses to touch a service file iapeer did not write: stop and start exit 1 and change nothing', async () => {
    // A live warm peer, then made always-on, with someone else's unit at its service's path.
    await addDemo('ivan');
    expectOk(await run(['start', 'ivan']));
    await addDemo('ivan', ['--always-on']);
    const { file } = unitOf('demo-ivan');
    await mkdir(join(file, '..'), { recursive: true });
    const foreign = '[Service]\nExecStart=/usr/bin/my-own-ivan\n';
    await writeFile(file, foreign);
    const before = await markers('demo-ivan');

    const stopped = await run(['stop', 'ivan']);
    expectError(stopped, 1, 'stop', /could not stop demo-ivan: .*iapeer-peer-demo-ivan-[0-9a-f]{8}\.service exists but was not written by iapeer/);
    const started = await run(['start', 'ivan']);
    expectError(started, 1, 'start', /exists but was not written by iapeer/);

    expect(await readFile(file, 'utf8')).toBe(foreign);
    expect(await fake.calls()).toEqual([]);
    expect(serverUp(home, 'demo-ivan')).toBe(true);
    expect(await markers('demo-ivan')).toEqual(before);
    expect(before).not.toContain('stopped');
    expect((await rowOf(home, 'demo-ivan'))?.state).toBe('live');
  });

  it('remove --force and add --no-always-on take the service away; a service iapeer did not write stops remove first', async () => {
    await addDemo('rita', ['--always-on']);
    await addDemo('sam', ['--always-on']);
    expectOk(await run(['start', 'rita']));
    expectOk(await run(['start', 'sam']));
    const rita = unitOf('demo-rita');
    const sam = unitOf('demo-sam');
    const ritaKeeper = await waitFor(() => fake.unitPid(rita.unit), 'rita\'s keeper');

    expectOk(await run(['remove', 'rita', '--force']));
    expect(existsSync(rita.file)).toBe(false);
    expect(await fake.calls()).toContainEqual(['systemctl', '--user', 'disable', '--now', rita.unit]);
    await waitFor(() => !isRunning(ritaKeeper), 'rita\'s keeper to stop', scaled(10_000));
    expect(serverUp(home, 'demo-rita')).toBe(false);

    // A warm peer again: its service goes, its session stays (the daemon looks after it now).
    expectOk(await run(['add', 'sam', '--runtime', 'demo', '--no-always-on']));
    expect(existsSync(sam.file)).toBe(false);
    expect(await fake.calls()).toContainEqual(['systemctl', '--user', 'disable', '--now', sam.unit]);
    expect(await rowOf(home, 'demo-sam')).toMatchObject({ state: 'live', alwaysOn: false });

    // Someone else's unit at the path of tom's service: remove refuses, and nothing changes.
    await addDemo('tom', ['--always-on']);
    const tom = unitOf('demo-tom');
    const foreign = '[Service]\nExecStart=/usr/bin/my-own-tom\n';
    await writeFile(tom.file, foreign);
    const refused = await run(['remove', 'tom']);
    expectError(refused, 1, 'remove', /exists but was not written by iapeer/);
    expect(await readFile(tom.file, 'utf8')).toBe(foreign);
    expect(await rowOf(home, 'demo-tom')).toMatchObject({ alwaysOn: true });
  });
});

/** `iapeer daemon peer <identity>` as the service would run it, with its output collected. */
function startKeeper(identity: string): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'daemon', 'peer', identity], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  keepers.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('daemon peer <identity>: the keeper an always-on service runs', () => {
  it('keeps a demo peer up, exits 1 when its runtime is killed, 0 on SIGTERM (session left up) and when stopped', async () => {
    await addDemo('boris', ['--always-on']);
    const first = startKeeper('demo-boris');
    await waitFor(() => first.output().includes('keeping it up'), 'the keeper to wake the peer', scaled(30_000));
    const row = await rowOf(home, 'demo-boris');
    expect(row?.state).toBe('live');
    expect(first.output()).toContain(`demo-boris: started (fresh, first-start), pid ${row?.pid}; keeping it up`);

    process.kill(row?.pid as number, 'SIGKILL');
    expect(await first.exit).toBe(1);
    expect(first.output()).toMatch(/demo-boris: its session ended( \(exit \d+\))?; exiting 1 so that the service manager starts it again/);
    const deaths = JSON.parse(await readFile(join(home.home, 'state', 'demo-boris', 'deaths'), 'utf8')) as Array<{ fast: boolean }>;
    expect(deaths).toHaveLength(1);
    expect((await lifecycleLines(home)).some((line) => / ev=supervise identity=demo-boris action=reaped-(gone|zombie)/.test(line))).toBe(true);
    // What was left of the session is gone.
    expect(serverUp(home, 'demo-boris')).toBe(false);

    // Restarted, it brings the peer up again; SIGTERM ends the keeper at once and leaves the session.
    const second = startKeeper('demo-boris');
    await waitFor(() => second.output().includes('keeping it up'), 'the keeper to wake the peer again', scaled(30_000));
    expect(second.output()).toMatch(/demo-boris: started \(fresh, crash-or-self-close\), pid \d+; keeping it up/);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(second.output()).toContain('demo-boris: signalled; its session is left as it is');
    expect(serverUp(home, 'demo-boris')).toBe(true);

    // A keeper of a stopped peer exits 0 at once, so a manager does not restart it.
    expectOk(await home.run(['stop', 'boris'], { env: { HOME: userHome } }));
    const third = startKeeper('demo-boris');
    expect(await third.exit).toBe(0);
    expect(third.output()).toMatch(/demo-boris is stopped: not keeping it up until: iapeer start\n$/);
    expect(serverUp(home, 'demo-boris')).toBe(false);
  });

  it('a message never wakes an always-on peer: it waits, saying why, and goes out once the keeper has it live', async () => {
    const cwd = await addDemo('ada', ['--always-on']);
    const first = await sendJson(home, ['ada', '--message', 'first']);
    expect(first.outcome).toBe('queued');
    const second = await home.run(['send', 'ada', '--message', 'second']);
    expectOk(second);
    expect(second.stdout).toMatch(/: queued for demo-ada \(demo-ada is always-on and down: its OS service keeps it up, not a message; start it with: iapeer start ada demo\)/);
    expect(serverUp(home, 'demo-ada')).toBe(false);
    expect(await queuedFiles(home)).toHaveLength(2);
    const queued = (await lifecycleLines(home)).filter((line) => / ev=deliver identity=demo-ada id=\S+ reason="demo-ada is always-on and down: .*" outcome=queued confirmed=none$/.test(line));
    expect(queued).toHaveLength(2);
    // Waiting for its service is no failed attempt: nothing counts towards setting it aside.
    expect((await lifecycleLines(home)).some((line) => /outcome=(retry-later|set-aside)/.test(line))).toBe(false);

    // Once its keeper has it live, the daemon delivers what waited, in order.
    const keeper = startKeeper('demo-ada');
    await waitFor(() => keeper.output().includes('keeping it up'), 'the keeper to wake the peer', scaled(30_000));
    startDaemon(home, { IAPEER_SUPERVISE_INTERVAL_MS: '200' });
    await waitFor(async () => (await queuedFiles(home)).length === 0, 'the daemon to deliver what waited', scaled(30_000));
    const texts = await messagesOf(cwd);
    expect(texts.map((text) => text.split('\n')[1])).toEqual(['first', 'second']);
    expect((await sendJson(home, ['ada', '--message', 'third'])).outcome).toBe('delivered');
  });

  it('exits 0 for an identity that is not always-on or not registered, and 2 for a bad one', async () => {
    await addDemo('ivan');
    const warm = startKeeper('demo-ivan');
    expect(await warm.exit).toBe(0);
    expect(warm.output()).toMatch(/demo-ivan is not always-on: nothing to keep up/);
    expect(existsSync(join(home.sockDir, 'demo-ivan'))).toBe(false);

    const unknown = startKeeper('demo-nobody');
    expect(await unknown.exit).toBe(0);
    expect(unknown.output()).toMatch(/demo-nobody is not registered: nothing to keep up/);

    const bad = await home.run(['daemon', 'peer', 'Not An Identity']);
    expect(bad.code).toBe(2);
  });
});
