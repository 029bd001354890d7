import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './cli.js';
import { scaled } from './deadline.js';

const SSHD = '/usr/sbin/sshd';

/**
 * Whether a real OpenSSH server can run here. Under CI it must: a missing sshd fails the suite
 * (the CI installs openssh-server and openssh-client), never skips it.
 */
export function sshdMissing(): string | undefined {
  const missing = [SSHD, 'ssh', 'ssh-keygen'].filter((bin) => (bin.startsWith('/') ? !existsSync(bin) : !onPath(bin)));
  return missing.length === 0 ? undefined : `missing ${missing.join(', ')}: install openssh-server and openssh-client`;
}

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Sshd {
  readonly port: number;
  /** Where its keys, configs and logs are. */
  readonly dir: string;
  /** An ssh that trusts this server and uses its client key (`ssh -F <config>`): IAPEER_SSH. */
  readonly sshBin: string;
  /** `127.0.0.1:<port>`, as hosts.json's `ssh` takes it. */
  readonly target: string;
  /** Established TCP connections to this server right now. */
  connections(): number;
  /** Stops it and ends the connections it served (a master on one dies with it). */
  stop(): Promise<void>;
  /** Starts it again on the same port, keys and config. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  cleanup(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private sshd on a free loopback port, run as the current user (`-D -e -f <own config>`):
 * its own host key, an authorized_keys holding a fresh client key, no PAM, and a client config
 * and known_hosts so that the wrapper `sshBin` reaches it in batch mode without a prompt.
 */
export async function startSshd(options: { maxSessions?: number } = {}): Promise<Sshd> {
  const missing = sshdMissing();
  if (missing !== undefined) throw new Error(`a real sshd is needed for this test: ${missing}`);
  const dir = await mkdtemp(join(tmpdir(), 'iap-sshd-'));
  await chmod(dir, 0o700);
  for (const key of ['host_key', 'client_key']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', join(dir, key)]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')), { mode: 0o600 });
  // Run as root, sshd wants its privilege separation directory, as its service would make it.
  // recursive: two servers started at once both find it missing; the second must not fail.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { mode: 0o755, recursive: true });
  const port = await freePort();
  const config = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    `MaxSessions ${options.maxSessions ?? 10}`,
    // Many test processes connect at once before the first master is up.
    'MaxStartups 100',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
  await writeFile(join(dir, 'sshd_config'), config);
  const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  await writeFile(
    join(dir, 'ssh_config'),
    [
      'Host *',
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n'),
  );
  const sshBin = join(dir, 'ssh');
  await writeFile(sshBin, `#!/bin/sh\nexec ssh -F '${join(dir, 'ssh_config')}' "$@"\n`, { mode: 0o755 });

  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child = started;
    await waitFor(async () => started.exitCode !== null || (await accepts(port)), `sshd on port ${port}`, scaled(15_000));
    if (started.exitCode !== null) throw new Error(`sshd did not start (exit ${started.exitCode}): ${log.trim().split('\n').at(-1) ?? ''}`);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running !== undefined && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    }
    // A stopped listener leaves the connections it accepted up, and a control master on one
    // would go on answering: end them, as a host that goes down does.
    for (const pid of servingPids(port)) killQuietly(pid);
    await waitFor(() => establishedTo(port) === 0, `no connection left to port ${port}`, scaled(15_000));
  };
  await start();
  return {
    port,
    dir,
    sshBin,
    target: `127.0.0.1:${port}`,
    connections: () => establishedTo(port),
    stop,
    start,
    cleanup: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The processes serving the established connections to this port (the server side of each). */
function servingPids(port: number): number[] {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  return [...new Set([...out.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1])))];
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Established TCP connections whose remote end is this port (the client side of each). */
export function establishedTo(port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '').length;
}
