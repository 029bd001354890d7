import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'plist';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { type FakeServiceManager, type FakeOptions, makeFakeServiceManager } from '../../../helpers/fake-service-manager.js';
import { expectError, expectOk } from '../../../helpers/fleet.js';
import { SERVICE_NODE_FLAGS } from '../../../../src/lifecycle/services/service-setup.js';

const home = useHome();
let fake: FakeServiceManager;
/** The user's HOME for these tests: unit files go under it. */
let userHome: string;

async function useFake(options: FakeOptions = {}): Promise<void> {
  fake = await makeFakeServiceManager(join(home.home, 'fake', String(Date.now())), options);
}

beforeEach(async () => {
  userHome = join(home.home, 'user');
  await mkdir(userHome);
  await useFake();
});

afterEach(async () => {
  await fake.cleanup();
});

function run(args: string[], env: Record<string, string> = {}) {
  return home.run(args, { env: { ...fake.env, HOME: userHome, USER: 'ana', ...env } });
}

/** Every file under a directory, for "nothing was written" checks. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.map(String).sort();
}

/** The commands a dry run prints, after its `# then:` line. */
function stepsOf(stdout: string): string[] {
  return stdout.slice(stdout.indexOf('# then:\n') + '# then:\n'.length).split('\n').filter(Boolean);
}

const unitDir = () => join(userHome, '.config', 'systemd', 'user');

/** The unit name for the test's home, which is not the default one, so it carries a hash. */
async function installedUnit(): Promise<string> {
  const names = await readdir(unitDir());
  expect(names).toHaveLength(1);
  return names[0] as string;
}

function systemdAnalyze(file: string, runtimeDir: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['--user', 'verify', file], { env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir } }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
}

describe('daemon install --dry-run', () => {
  it('prints the unit and the commands for systemd, and changes nothing', async () => {
    const before = await tree(home.home);
    const result = await run(['daemon', 'install', '--dry-run']);
    expectOk(result);
    expect(result.stdout).toContain('# iapeer daemon install --dry-run (systemd): nothing is changed');
    expect(result.stdout).toMatch(new RegExp(`^# ${unitDir()}/iapeer-daemon-[0-9a-f]{8}\\.service:$`, 'm'));
    expect(result.stdout).toMatch(/^# Written by iapeer/m);
    expect(result.stdout).toContain(`ExecStart="${process.execPath}" ${SERVICE_NODE_FLAGS.map((flag) => `"${flag}"`).join(' ')} "${CLI}" "daemon" "run"`);
    // Only the commands an install would run now, for a new file.
    expect(stepsOf(result.stdout)).toEqual([
      'systemctl --user daemon-reload',
      expect.stringMatching(/^systemctl --user reset-failed iapeer-daemon-[0-9a-f]{8}\.service {4}# clears a start limit hit earlier; may say the unit is not loaded$/),
      expect.stringMatching(/^systemctl --user enable --now iapeer-daemon-[0-9a-f]{8}\.service$/),
    ]);
    expect(result.stderr).toBe('');
    expect(await fake.calls()).toEqual([]);
    expect(await tree(userHome)).toEqual([]);
    expect(await tree(home.home)).toEqual(before);
  });

  it('prints a plist that parses, with the keys launchd needs, on any OS', async () => {
    const result = await run(['daemon', 'install', '--dry-run', '--target', 'launchd']);
    expectOk(result);
    const text = result.stdout.slice(result.stdout.indexOf('<?xml'), result.stdout.indexOf('</plist>') + '</plist>'.length);
    const plist = parse(text) as Record<string, unknown>;
    expect(plist['Label']).toMatch(/^dev\.iapeer\.daemon\.[0-9a-f]{8}$/);
    expect(plist['ProgramArguments']).toEqual([process.execPath, ...SERVICE_NODE_FLAGS, CLI, 'daemon', 'run']);
    const env = plist['EnvironmentVariables'] as Record<string, string>;
    expect(env).toMatchObject({ HOME: userHome, IAPEER_HOME: home.home, IAPEER_SOCK_DIR: home.sockDir, LANG: 'en_US.UTF-8' });
    expect(env['PATH']).toBe(fake.env['PATH']);
    expect(plist).toMatchObject({ KeepAlive: { SuccessfulExit: false }, RunAtLoad: true, ThrottleInterval: 10 });
    expect(plist['StandardOutPath']).toBe(join(home.home, 'logs', 'service-daemon.log'));
    expect(plist['StandardErrorPath']).toBe(join(home.home, 'logs', 'service-daemon.log'));
    const uid = String(process.getuid?.());
    const label = String(plist['Label']);
    expect(stepsOf(result.stdout)).toEqual([
      `launchctl enable gui/${uid}/${label}`,
      `launchctl bootstrap gui/${uid} ${userHome}/Library/LaunchAgents/${label}.plist`,
    ]);
    // It only asked launchd whether the service is loaded.
    expect(await fake.calls()).toEqual([['launchctl', 'print', `gui/${uid}/${label}`]]);
    expect(await tree(userHome)).toEqual([]);
  });

  it('names the default home plainly', async () => {
    const defaultHome = join(userHome, '.iapeer');
    const result = await run(['daemon', 'install', '--dry-run'], { IAPEER_HOME: defaultHome });
    expectOk(result);
    expect(result.stdout).toContain(`# ${unitDir()}/iapeer-daemon.service:`);
    expect(existsSync(defaultHome)).toBe(false);
  });
});

describe('daemon install and uninstall with systemd', () => {
  it('writes a unit that passes systemd-analyze verify, loads it, and is idempotent', async () => {
    const result = await run(['daemon', 'install']);
    expectOk(result);
    const unit = await installedUnit();
    const file = join(unitDir(), unit);
    expect(result.stdout).toBe(
      [
        `wrote ${file}`,
        'ran: systemctl --user daemon-reload',
        `ran: systemctl --user reset-failed ${unit}`,
        `ran: systemctl --user enable --now ${unit}`,
        `the daemon runs as systemd service ${unit}; its output goes to ${join(home.home, 'logs', 'service-daemon.log')}`,
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(await fake.calls()).toEqual([
      ['systemctl', '--user', 'is-system-running'],
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'reset-failed', unit],
      ['systemctl', '--user', 'enable', '--now', unit],
      ['loginctl', 'show-user', String(process.getuid?.()), '--property=Linger', '--value'],
    ]);
    // The log directory exists for systemd to open the log in.
    expect(existsSync(join(home.home, 'logs'))).toBe(true);

    const runtimeDir = join(home.home, 'xdg-runtime');
    await mkdir(runtimeDir, { mode: 0o700 });
    const verified = await systemdAnalyze(file, runtimeDir);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);

    const text = await readFile(file, 'utf8');
    const again = await run(['daemon', 'install']);
    expectOk(again);
    expect(again.stdout).toContain(`kept (unchanged) ${file}`);
    expect(await readFile(file, 'utf8')).toBe(text);

    // A new setting rewrites the file, and the running service is restarted on it; a dry run says so first.
    const dry = await run(['daemon', 'install', '--dry-run'], { IAPEER_IDLE_TIMEOUT_S: '600' });
    expectOk(dry);
    expect(stepsOf(dry.stdout).slice(2)).toEqual([`systemctl --user enable ${unit}`, `systemctl --user restart ${unit}    # so that the running service takes the new file`]);
    const changed = await run(['daemon', 'install'], { IAPEER_IDLE_TIMEOUT_S: '600' });
    expectOk(changed);
    expect(changed.stdout).toContain(`rewrote ${file}`);
    expect(changed.stdout).toContain(`ran: systemctl --user restart ${unit}`);
    expect(await readFile(file, 'utf8')).toContain('Environment="IAPEER_IDLE_TIMEOUT_S=600"');

    // The notification command goes into the unit too, its quotes and spaces escaped, and systemd reads it.
    const notify = '["sh", "-c", "notify-send -- \\"iapeer: $IAPEER_EVENT_IDENTITY\\" 100%"]';
    expectOk(await run(['daemon', 'install'], { IAPEER_IDLE_TIMEOUT_S: '600', IAPEER_ON_ATTENTION: notify }));
    expect(await readFile(file, 'utf8')).toContain(`Environment="IAPEER_ON_ATTENTION=${notify.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`);
    const reverified = await systemdAnalyze(file, runtimeDir);
    expect(reverified.stderr).toBe('');
    expect(reverified.code).toBe(0);
  });

  it('warns on stderr when lingering is off, and still installs', async () => {
    await useFake({ linger: 'no' });
    const result = await run(['daemon', 'install']);
    expectOk(result);
    expect(result.stderr).toBe(
      'iapeer: daemon: warning: lingering is off for ana: systemd stops user services when you log out; to keep them running: loginctl enable-linger ana\n',
    );
  });

  it('uninstalls: disable --now, delete, reload; absent is a no-op', async () => {
    expectOk(await run(['daemon', 'install']));
    const unit = await installedUnit();
    const calls = (await fake.calls()).length;
    const result = await run(['daemon', 'uninstall']);
    expectOk(result);
    expect((await fake.calls()).slice(calls)).toEqual([
      ['systemctl', '--user', 'is-system-running'],
      ['systemctl', '--user', 'disable', '--now', unit],
      ['systemctl', '--user', 'daemon-reload'],
    ]);
    expect(await readdir(unitDir())).toEqual([]);
    expect(result.stdout).toContain(`removed ${unit}`);
    const again = await run(['daemon', 'uninstall']);
    expectOk(again);
    expect(again.stdout).toMatch(/^no daemon service installed \(.* is absent\)\n$/);
  });

  it('refuses a unit file iapeer did not write: exit 1, file unchanged, nothing run', async () => {
    const dry = await run(['daemon', 'install', '--dry-run']);
    const path = /^# (\/.*\.service):$/m.exec(dry.stdout)?.[1] as string;
    await mkdir(unitDir(), { recursive: true });
    const mine = '[Unit]\nDescription=my own daemon\n[Service]\nExecStart=/bin/true\n';
    await writeFile(path, mine);
    const before = await tree(home.home);

    const install = await run(['daemon', 'install']);
    expectError(install, 1, 'daemon', /exists but was not written by iapeer .*move it aside/);
    expect(install.stderr).toContain(path);
    const uninstall = await run(['daemon', 'uninstall']);
    expectError(uninstall, 1, 'daemon', /exists but was not written by iapeer/);
    // A dry run says what a real install would refuse.
    const dryAgain = await run(['daemon', 'install', '--dry-run']);
    expectOk(dryAgain);
    expect(dryAgain.stderr).toMatch(/^iapeer: daemon: warning: .*exists but was not written by iapeer/);
    expect(await readFile(path, 'utf8')).toBe(mine);
    expect(await fake.calls()).toEqual([]);
    expect(await tree(home.home)).toEqual(before);
  });

  it('says so when there is no systemd user manager, and writes nothing; --dry-run still works', async () => {
    await useFake({ systemd: 'offline' });
    const result = await run(['daemon', 'install']);
    expectError(result, 1, 'daemon', /the systemd user manager is not reachable \(systemctl --user is-system-running says "offline"\); run 'iapeer daemon run' under another supervisor/);
    expect(await tree(userHome)).toEqual([]);
    expect(await fake.calls()).toEqual([['systemctl', '--user', 'is-system-running']]);
    expectOk(await run(['daemon', 'install', '--dry-run']));
  });
});

describe('daemon install and uninstall with launchd (fake launchctl)', () => {
  it('bootstraps in the gui domain, and kickstarts when the file is unchanged', async () => {
    const uid = String(process.getuid?.());
    const result = await run(['daemon', 'install', '--target', 'launchd']);
    expectOk(result);
    const agents = join(userHome, 'Library', 'LaunchAgents');
    const [name] = await readdir(agents);
    const file = join(agents, name as string);
    const label = (name as string).replace(/\.plist$/, '');
    expect(parse(await readFile(file, 'utf8'))).toMatchObject({ Label: label, ProgramArguments: [process.execPath, ...SERVICE_NODE_FLAGS, CLI, 'daemon', 'run'] });
    expect(await fake.calls()).toEqual([
      ['launchctl', 'print', `gui/${uid}`],
      ['launchctl', 'print', `gui/${uid}/${label}`],
      ['launchctl', 'enable', `gui/${uid}/${label}`],
      ['launchctl', 'bootstrap', `gui/${uid}`, file],
    ]);

    const calls = (await fake.calls()).length;
    expectOk(await run(['daemon', 'install', '--target', 'launchd']));
    expect((await fake.calls()).slice(calls)).toEqual([
      ['launchctl', 'print', `gui/${uid}`],
      ['launchctl', 'print', `gui/${uid}/${label}`],
      ['launchctl', 'kickstart', `gui/${uid}/${label}`],
    ]);
    const dry = await run(['daemon', 'install', '--target', 'launchd', '--dry-run']);
    expect(stepsOf(dry.stdout)).toEqual([`launchctl kickstart gui/${uid}/${label}    # loaded from this very file: starts it if it is not running`]);
  });
});
