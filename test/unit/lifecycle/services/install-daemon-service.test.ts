import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/core/config.js';
import { type AppContext, createContext } from '../../../../src/lifecycle/context/app-context.js';
import { installDaemonService, planDaemonInstall, uninstallDaemonService } from '../../../../src/lifecycle/services/install-daemon-service.js';
import { preparePeerStop, stopPeerService } from '../../../../src/lifecycle/services/always-on-service.js';
import type { ExecResult, ServiceExec } from '../../../../src/transport/services/service-exec.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-service-lifecycle-');
let ctx: AppContext;
let calls: string[][];
let offline: boolean;

const exec: ServiceExec = (file, args) => {
  calls.push([file, ...args]);
  const result: ExecResult = { exitCode: 0, stdout: '', stderr: '', missing: false };
  if (file === 'systemctl' && args.includes('is-system-running')) return Promise.resolve({ ...result, exitCode: offline ? 1 : 0, stdout: offline ? 'offline' : 'running' });
  return Promise.resolve(result);
};

beforeEach(() => {
  const env = { HOME: dir(), IAPEER_HOME: join(dir(), 'fleet'), PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  ctx = createContext({ config: loadConfig(env, dir()), env, cwd: dir(), nodeBin: process.execPath });
  calls = [];
  offline = false;
});

const unitDir = () => join(dir(), '.config', 'systemd', 'user');

/** An iapeer command that is there, for the install's check, whether or not dist/ was built. */
async function iapeerCli(): Promise<string> {
  const cli = join(dir(), 'opt', 'iapeer', 'cli.cjs');
  await mkdir(dirname(cli), { recursive: true });
  await writeFile(cli, '');
  return cli;
}

describe('daemon service operations through the exec seam', () => {
  it('plans for either manager without changing or writing anything', async () => {
    const plan = await planDaemonInstall(ctx, { target: undefined }, { exec, platform: 'darwin', uid: 501 });
    expect(plan.target).toBe('launchd');
    expect(plan.file).toMatch(new RegExp(`^${dir()}/Library/LaunchAgents/dev\\.iapeer\\.daemon\\.[0-9a-f]{8}\\.plist$`));
    expect(plan.steps.map((step) => step.argv.join(' '))).toContain(`launchctl bootstrap gui/501 ${plan.file}`);
    // Only a question: is the service loaded?
    expect(calls.map((argv) => argv.slice(0, 2))).toEqual([['launchctl', 'print']]);
    expect(await readdir(dir())).toEqual([]);
  });

  it('installs and uninstalls with the exact systemctl commands, in order', async () => {
    const cli = await iapeerCli();
    const installed = await installDaemonService(ctx, { target: 'systemd' }, { exec, uid: 1000, cliPath: cli });
    const unit = installed.name;
    expect(unit).toMatch(/^iapeer-daemon-[0-9a-f]{8}\.service$/);
    expect(calls).toEqual([
      ['systemctl', '--user', 'is-system-running'],
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'reset-failed', unit],
      ['systemctl', '--user', 'enable', '--now', unit],
      ['loginctl', 'show-user', '1000', '--property=Linger', '--value'],
    ]);
    const text = await readFile(join(unitDir(), unit), 'utf8');
    expect(text).toMatch(/^# Written by iapeer/);
    expect(text).toContain(`"${cli}" "daemon" "run"`);
    calls = [];
    expect(await uninstallDaemonService(ctx, { exec, platform: 'linux', uid: 1000 })).toMatchObject({ removed: true });
    expect(calls).toEqual([
      ['systemctl', '--user', 'is-system-running'],
      ['systemctl', '--user', 'disable', '--now', unit],
      ['systemctl', '--user', 'daemon-reload'],
    ]);
    expect(await readdir(unitDir())).toEqual([]);
  });

  it('refuses to install a service whose iapeer command is not there, writing and running nothing', async () => {
    const cli = join(dir(), 'opt', 'iapeer', 'absent.cjs');
    await expect(installDaemonService(ctx, { target: 'systemd' }, { exec, uid: 1000, cliPath: cli })).rejects.toThrow(
      `the service would fail: the iapeer command ${cli} is not there`,
    );
    expect(calls).toEqual([]);
    expect(await readdir(dir())).toEqual([]);
  });
});

describe('stopping an always-on peer’s service', () => {
  it('finds nothing to stop where iapeer has no service manager, rather than failing the stop', async () => {
    const prepared = await preparePeerStop(ctx, 'demo-boris', { exec, platform: 'freebsd' });
    expect(prepared.present).toBe(false);
    expect(await stopPeerService(prepared)).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses a file iapeer did not write, stops its own, and skips an unreachable manager', async () => {
    await mkdir(unitDir(), { recursive: true });
    const installed = await installDaemonService(ctx, { target: 'systemd' }, { exec, uid: 1000, cliPath: await iapeerCli() });
    const unit = installed.name.replace('iapeer-daemon', 'iapeer-peer-demo-boris');
    const file = join(unitDir(), unit);

    await writeFile(file, '[Service]\nExecStart=/bin/true\n');
    await expect(preparePeerStop(ctx, 'demo-boris', { exec, platform: 'linux' })).rejects.toThrow(/exists but was not written by iapeer/);

    await writeFile(file, '# Written by iapeer (iapeer start (always-on demo-boris)).\n[Service]\nExecStart=/bin/true\n');
    calls = [];
    const prepared = await preparePeerStop(ctx, 'demo-boris', { exec, platform: 'linux' });
    expect(prepared.present).toBe(true);
    expect(await stopPeerService(prepared)).toEqual([`systemctl --user disable --now ${unit}`]);

    offline = true;
    calls = [];
    expect(await stopPeerService(prepared)).toEqual([]);
    expect(calls).toEqual([['systemctl', '--user', 'is-system-running']]);
  });
});
