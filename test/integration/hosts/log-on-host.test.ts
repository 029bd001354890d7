// `log --peer boris@h1` and `log --host h1` over a real OpenSSH: that host's lifecycle log as it
// prints it; with --follow its lines as they are written, until the command is stopped.
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, waitFor } from '../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, isRunning, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
beforeAll(async () => {
  set = await startHosts(['h1', 'h2'], () => home.another());
  await set.writeHostsFile(home);
  const h1 = set.host('h1').home;
  for (const name of ['boris', 'ann']) expectOk(await h1.run(['add', name, '--runtime', 'demo', '--cwd', await workDir(h1, name)]));
  expectOk(await h1.run(['stop', 'ann']));
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

const env = () => ({ ...home.env, IAPEER_SSH: set.sshBin });
const run = (args: readonly string[]) => home.run(args, { env: { IAPEER_SSH: set.sshBin } });
const h1 = () => set.host('h1').home;

/** The `log --follow` processes that h1's sshd runs (there, its options are written `--peer=…`). */
function remoteFollowers(): number[] {
  try {
    return execFileSync('pgrep', ['-f', `^${process.execPath} ${CLI} log --peer=boris --follow$`], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

describe('log on another host', () => {
  it('--peer boris@h1 prints what that host’s log --peer boris prints', async () => {
    for (const [here, there] of [
      [['log', '--peer', 'boris@h1'], ['log', '--peer', 'boris']],
      [['log', '--peer', 'boris@h1', '--json'], ['log', '--peer', 'boris', '--json']],
      [['log', '--peer', 'demo-ann@h1', '--ev', 'stop'], ['log', '--peer', 'demo-ann', '--ev', 'stop']],
      [['log', '--host', 'h1', '--peer', 'boris@h1'], ['log', '--peer', 'boris']],
    ]) {
      const expected = await h1().run(there as string[]);
      expect(expected.stdout).not.toBe('');
      expect(await run(here as string[]), (here as string[]).join(' ')).toEqual(expected);
    }
    expect((await run(['log', '--peer', 'boris@h1'])).stdout).not.toMatch(/personality=ann/);
    expect(await run(['log', '--peer', 'boris@h2'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['log', '--peer', 'boris@local'])).toEqual({ code: 0, stdout: '', stderr: '' });
  }, testTimeoutFor(60_000));

  it('--host and a --peer of another host are refused, naming both (exit 2)', async () => {
    expectError(await run(['log', '--host', 'h1', '--peer', 'boris@h2']), 2, 'log', /--host h1 and --peer boris@h2 name two hosts: give one/);
  });

  it('--follow prints each line as h1 writes it; stopped, it ends its ssh and exits 0', async () => {
    const child = spawn(process.execPath, [CLI, 'log', '--peer', 'boris@h1', '--follow'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => / ev=add personality=boris /.test(out), 'the lines already written', scaled(20_000));
      expect(out).not.toMatch(/ev=stop/);
      expectOk(await h1().run(['stop', 'boris']));
      await waitFor(() => / ev=stop .*boris/.test(out), 'the stop, as h1 writes it', scaled(20_000));
      expect(out).not.toMatch(/personality=ann/);
      const ssh = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
      expect(ssh).toHaveLength(1);
      expect(remoteFollowers()).toHaveLength(1);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toBe('');
      // Ending the ssh would not end it there (without a terminal nothing tells it): it is told.
      await waitFor(() => remoteFollowers().length === 0, 'the follow on h1 to end', scaled(10_000));
      await waitFor(() => !isRunning(ssh[0] as number), 'its ssh to end', scaled(10_000));
      expect(await run(['log', '--peer', 'boris@h1', '--ev', 'stop'])).toMatchObject({ code: 0, stderr: '' });
    } finally {
      child.kill('SIGKILL');
      for (const pid of remoteFollowers()) process.kill(pid, 'SIGKILL');
    }
  }, testTimeoutFor(90_000));
});
