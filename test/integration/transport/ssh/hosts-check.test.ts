import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { controlDirFor, controlPathOf } from '../../../../src/transport/ssh/control-dir.js';
import { CLI, type TestHome, waitFor } from '../../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { type Sshd, startSshd } from '../../../helpers/sshd.js';
import { useHome } from '../../../helpers/use-home.js';

const UID = process.getuid?.() ?? 0;

let up: Sshd;
let down: Sshd;
beforeAll(async () => {
  [up, down] = await Promise.all([startSshd(), startSshd()]);
  await down.stop();
}, testTimeoutFor(20_000));
afterAll(async () => {
  await Promise.all([up?.cleanup(), down?.cleanup()]);
});

const home = useHome();

interface Entry {
  readonly ssh: string;
  readonly home?: string;
  readonly iapeer?: readonly string[];
}

/** A "remote" host: this machine over the test's sshd, with an IAPEER_HOME of its own. */
async function remoteHome(): Promise<TestHome> {
  return home.another();
}

async function writeHosts(hosts: Record<string, Entry>): Promise<void> {
  await writeFile(join(home.home, 'hosts.json'), JSON.stringify({ hosts }), { mode: 0o600 });
}

const remote = (target: string, remoteHomeDir: string): Entry => ({ ssh: target, home: remoteHomeDir, iapeer: [process.execPath, CLI] });

const controlDir = () => controlDirFor(home.sockDir, UID);
const controlPath = (name: string, ssh: string) => controlPathOf(controlDir(), name, ssh);
const sshEnv = () => ({ IAPEER_SSH: up.sshBin });

/** `ssh -O <command>` on a control socket, as the test's ssh: its answer, or undefined if none. */
function control(socket: string, command: 'check' | 'exit'): string | undefined {
  try {
    return execFileSync(up.sshBin, ['-o', `ControlPath=${socket}`, '-O', command, 'x'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    return /Master running/.test(stderr) ? stderr : undefined;
  }
}

function masterPid(socket: string): number | undefined {
  const check = spawnSync(up.sshBin, ['-o', `ControlPath=${socket}`, '-O', 'check', 'x'], { encoding: 'utf8', timeout: 5000 });
  const match = /Master running \(pid=(\d+)\)/.exec(check.stderr ?? '');
  return check.status === 0 && match ? Number(match[1]) : undefined;
}

// The masters persist after a call: end those this test started, before its home goes.
afterEach(async () => {
  const dir = controlDir();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((one) => /^[0-9a-f]{40}$/.test(one))) control(join(dir, name), 'exit');
});

describe('iapeer hosts check over a real OpenSSH', () => {
  it('reports the host that answers and names the one that does not with what ssh said (exit 1)', async () => {
    const [a, b] = [await remoteHome(), await remoteHome()];
    await writeHosts({ build: remote(up.target, a.home), gpu: remote(down.target, b.home) });
    const listed = await home.run(['hosts', '--json'], { env: sshEnv() });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: 'build', ssh: up.target, home: a.home, iapeer: [process.execPath, CLI] },
      { name: 'gpu', ssh: down.target, home: b.home, iapeer: [process.execPath, CLI] },
    ]);

    const checked = await home.run(['hosts', 'check'], { env: sshEnv() });
    expect(checked.code, checked.stderr).toBe(1);
    expect(checked.stdout).toMatch(/^build +ok +0\.1\.0 +\d+ ok, \d+ warn, \d+ fail +\d+ ms$/m);
    expect(checked.stdout).toMatch(/^gpu +unreachable +- +- +-$/m);
    expect(checked.stderr).toBe(`iapeer: hosts: gpu (${down.target}) unreachable: ssh: connect to host 127.0.0.1 port ${down.port}: Connection refused\n`);

    const json = await home.run(['hosts', 'check', '--json'], { env: sshEnv() });
    expect(json.code).toBe(1);
    const [build, gpu] = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(build).toMatchObject({ name: 'build', reachable: true, version: '0.1.0', error: null });
    expect(build?.['rttMs']).toEqual(expect.any(Number));
    expect(gpu).toMatchObject({ name: 'gpu', reachable: false, version: null, doctor: null, rttMs: null });
    expect(gpu?.['error']).toMatch(/Connection refused$/);

    const one = await home.run(['hosts', 'check', 'build'], { env: sshEnv() });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).not.toMatch(/gpu/);
    const unknown = await home.run(['hosts', 'check', 'nowhere'], { env: sshEnv() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('iapeer: hosts: no host "nowhere" in hosts.json: the hosts are build, gpu\n');
  }, testTimeoutFor(60_000));

  it('keeps the control sockets in a private directory of its own', async () => {
    await writeHosts({ build: remote(up.target, (await remoteHome()).home) });
    expect((await home.run(['hosts', 'check'], { env: sshEnv() })).code).toBe(0);
    expect(controlDir()).toBe(join(home.sockDir, 'ssh'));
    const mode = execFileSync('stat', ['-c', '%a', controlDir()], { encoding: 'utf8' }).trim();
    expect(mode).toBe('700');
    expect(existsSync(controlPath('build', up.target))).toBe(true);
  }, testTimeoutFor(30_000));

  it('refuses a control directory other users can reach: that host fails, naming the directory', async () => {
    await writeHosts({ build: remote(up.target, (await remoteHome()).home) });
    await mkdir(controlDir(), { recursive: true });
    await chmod(controlDir(), 0o755);
    const before = up.connections();
    const checked = await home.run(['hosts', 'check'], { env: sshEnv() });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toBe(`iapeer: hosts: build (${up.target}) unreachable: ssh control directory ${controlDir()} has mode 0755, open to other users; run: chmod 700 ${controlDir()}\n`);
    expect(up.connections()).toBe(before);
  }, testTimeoutFor(30_000));

  it('40 processes calling one host at once share one ssh connection, under MaxSessions 10', async () => {
    await writeHosts({ build: remote(up.target, (await remoteHome()).home) });
    const before = up.connections();
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, up.connections() - before);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const results = await Promise.all(Array.from({ length: 40 }, () => home.run(['hosts', 'check', 'build', '--json'], { env: sshEnv() })));
    sampling = false;
    await sampler;
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject([{ name: 'build', reachable: true, error: null }]);
    }
    expect(most).toBe(1);
    expect(up.connections() - before).toBe(1);
  }, testTimeoutFor(180_000));

  it('replaces a master killed with SIGKILL, and a socket nobody listens on', async () => {
    await writeHosts({ build: remote(up.target, (await remoteHome()).home) });
    expect((await home.run(['hosts', 'check'], { env: sshEnv() })).code).toBe(0);
    const socket = controlPath('build', up.target);
    const first = masterPid(socket);
    expect(first).toEqual(expect.any(Number));
    process.kill(first as number, 'SIGKILL');
    await waitFor(() => masterPid(socket) === undefined, 'the killed master to stop answering', scaled(10_000));
    expect(existsSync(socket)).toBe(true);

    const again = await home.run(['hosts', 'check'], { env: sshEnv() });
    expect(again.code, again.stderr).toBe(0);
    const second = masterPid(socket);
    expect(second).toEqual(expect.any(Number));
    expect(second).not.toBe(first);

    // A socket left by a process that died listening on it: there, but nobody answers.
    control(socket, 'exit');
    await waitFor(() => !existsSync(socket), 'the master to go', scaled(10_000));
    const listener = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`], { stdio: 'ignore' });
    await new Promise((resolve) => listener.once('exit', resolve));
    expect(existsSync(socket)).toBe(true);
    const third = await home.run(['hosts', 'check'], { env: sshEnv() });
    expect(third.code, third.stderr).toBe(0);
    expect(masterPid(socket)).toEqual(expect.any(Number));
  }, testTimeoutFor(60_000));

  it('replaces a master that hangs (stopped with SIGSTOP), and kills it', async () => {
    await writeHosts({ build: remote(up.target, (await remoteHome()).home) });
    expect((await home.run(['hosts', 'check'], { env: sshEnv() })).code).toBe(0);
    const socket = controlPath('build', up.target);
    const hung = masterPid(socket) as number;
    expect(hung).toEqual(expect.any(Number));
    process.kill(hung, 'SIGSTOP');
    const again = await home.run(['hosts', 'check'], { env: sshEnv() });
    expect(again.code, again.stderr).toBe(0);
    const fresh = masterPid(socket);
    expect(fresh).toEqual(expect.any(Number));
    expect(fresh).not.toBe(hung);
    await waitFor(() => !existsSync(`/proc/${hung}`) || /^State:\s+Z/m.test(readFileSync(`/proc/${hung}/status`, 'utf8')), 'the hung master to be killed', scaled(10_000));
  }, testTimeoutFor(60_000));

  it('refuses hostile entries with a message naming the host and the field, and runs nothing', async () => {
    const pwned = join(home.home, 'pwned');
    const hostile: Array<[Record<string, Entry>, RegExp]> = [
      [{ build: { ssh: `-oProxyCommand=touch ${pwned}` } }, /host "build"\.ssh: expected \[user@\]host\[:port\]/],
      [{ build: { ssh: `127.0.0.1 -oProxyCommand=touch ${pwned}` } }, /host "build"\.ssh: expected/],
      [{ build: { ssh: `x;touch ${pwned}` } }, /host "build"\.ssh: expected/],
      [{ [`b;touch ${pwned}`]: { ssh: up.target } }, /host "b;touch [^"]*": name: a host name is/],
      [{ local: { ssh: up.target } }, /host "local": name: "local" is this machine/],
      [{ build: { ssh: `${up.target.split(':')[0]}:70000` } }, /host "build"\.ssh: port 70000 is not between 1 and 65535/],
    ];
    for (const [hosts, message] of hostile) {
      await writeHosts(hosts);
      for (const args of [['hosts'], ['hosts', 'check']]) {
        const result = await home.run(args, { env: sshEnv() });
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/^iapeer: hosts: \/.*hosts\.json is invalid \(/);
        expect(result.stderr).toMatch(message);
        expect(result.stdout).toBe('');
      }
    }
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(controlDir())).toBe(false);
  }, testTimeoutFor(30_000));

  it('quotes a remote home with quotes, spaces and $(…): it arrives intact and nothing of it runs', async () => {
    const pwned = join(home.home, 'pwned');
    const odd = join((await remoteHome()).home, `it's "a" $(touch pwned) \`touch pwned\` ;touch pwned`);
    await writeHosts({ build: remote(up.target, odd) });
    // A file where the home should be fails the remote doctor; a directory passes it: the home
    // that doctor looked at is that very path.
    await writeFile(odd, 'not a directory');
    const onFile = await home.run(['hosts', 'check', '--json'], { env: sshEnv() });
    expect(onFile.code, onFile.stderr).toBe(0);
    expect((JSON.parse(onFile.stdout) as Array<{ doctor: { fail: number } }>)[0]?.doctor.fail).toBeGreaterThan(0);
    await rm(odd);
    await mkdir(odd, { mode: 0o700 });
    const onDir = await home.run(['hosts', 'check', '--json'], { env: sshEnv() });
    expect(onDir.code, onDir.stderr).toBe(0);
    expect(JSON.parse(onDir.stdout)).toMatchObject([{ name: 'build', reachable: true, error: null, doctor: { fail: 0 } }]);
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(join(process.env['HOME'] ?? '/nonexistent', 'pwned'))).toBe(false);
  }, testTimeoutFor(30_000));
});
