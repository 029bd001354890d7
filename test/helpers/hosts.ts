import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, type TestHome } from './cli.js';
import { type Sshd, startSshd } from './sshd.js';
import { controlDirFor, controlPathOf } from '../../src/transport/ssh/control-dir.js';

/** One "host" of a test: this machine over an sshd of its own, with an IAPEER_HOME of its own. */
export interface TestHost {
  readonly name: string;
  readonly sshd: Sshd;
  readonly home: TestHome;
  /** Its hosts.json entry: the sshd's address, its home, and the built CLI run with its environment. */
  readonly entry: { readonly ssh: string; readonly home: string; readonly iapeer: readonly string[] };
}

export interface TestHosts {
  readonly hosts: readonly TestHost[];
  /** By name. */
  host(name: string): TestHost;
  /** An ssh (`ssh -F <config>`) that trusts every sshd of the set and holds each one's key: IAPEER_SSH. */
  readonly sshBin: string;
  /** Writes `hosts.json` into a home naming every host of the set (or those named). */
  writeHostsFile(into: TestHome, names?: readonly string[]): Promise<void>;
  /** The control socket a home's iapeer uses for a host of the set. */
  controlPath(from: TestHome, name: string): string;
  /**
   * Ends a home's master to a host as a dead link would (SIGKILL, its socket left behind):
   * with the sshd stopped, nothing then carries a call there.
   */
  killMaster(from: TestHome, name: string): void;
  /** Stops every sshd and deletes its directory (the homes are the caller's to clean up). */
  cleanup(): Promise<void>;
}

/**
 * The environment of a host's iapeer, as `env NAME=value …` words before the CLI: sshd gives
 * a session its own environment, not the test's, so the home's settings travel in the command.
 */
function iapeerOf(home: TestHome, extraEnv: Readonly<Record<string, string>>): string[] {
  const keep = Object.entries({ ...home.env, ...extraEnv }).filter(([key]) => key.startsWith('IAPEER_') || key === 'PATH' || key === 'NO_COLOR' || key === 'HOME');
  return ['env', ...keep.map(([key, value]) => `${key}=${value}`), process.execPath, CLI];
}

/**
 * Starts one sshd per name, each host with a home from `newHome` (e.g. `useHome().another`),
 * and one ssh wrapper that reaches them all. `env` is added to every host's iapeer.
 */
export async function startHosts(
  names: readonly string[],
  newHome: () => Promise<TestHome>,
  options: { maxSessions?: number; env?: Readonly<Record<string, string>> } = {},
): Promise<TestHosts> {
  const sshds = await Promise.all(names.map(() => startSshd(options.maxSessions === undefined ? {} : { maxSessions: options.maxSessions })));
  const homes: TestHome[] = [];
  // One after another: newHome may keep a list of what it made.
  while (homes.length < names.length) homes.push(await newHome());
  const hosts = names.map((name, index) => {
    const sshd = sshds[index] as Sshd;
    const home = homes[index] as TestHome;
    return { name, sshd, home, entry: { ssh: sshd.target, home: home.home, iapeer: iapeerOf(home, options.env ?? {}) } };
  });
  const first = sshds[0] as Sshd;
  const knownHosts = (await Promise.all(sshds.map((sshd) => readFile(join(sshd.dir, 'known_hosts'), 'utf8')))).join('');
  await writeFile(join(first.dir, 'all_known_hosts'), knownHosts);
  const config = ['Host *', ...sshds.map((sshd) => `  IdentityFile ${join(sshd.dir, 'client_key')}`), '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(first.dir, 'all_known_hosts')}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', ''];
  await writeFile(join(first.dir, 'all_ssh_config'), config.join('\n'));
  const sshBin = join(first.dir, 'ssh-all');
  await writeFile(sshBin, `#!/bin/sh\nexec ssh -F '${join(first.dir, 'all_ssh_config')}' "$@"\n`, { mode: 0o755 });
  const controlPath = (from: TestHome, name: string): string => {
    const host = hosts.find((one) => one.name === name);
    if (host === undefined) throw new Error(`no test host ${name}`);
    return controlPathOf(controlDirFor(from.sockDir, process.getuid?.() ?? 0), name, host.entry.ssh);
  };
  return {
    hosts,
    host: (name) => {
      const found = hosts.find((host) => host.name === name);
      if (found === undefined) throw new Error(`no test host ${name}`);
      return found;
    },
    sshBin,
    controlPath,
    killMaster: (from, name) => {
      const socket = controlPath(from, name);
      try {
        execFileSync('pkill', ['-KILL', '-f', `ControlPath=${socket}`], { stdio: 'ignore' });
      } catch {
        // No master: nothing to end.
      }
    },
    writeHostsFile: async (into, only) => {
      const entries = Object.fromEntries(hosts.filter((host) => only === undefined || only.includes(host.name)).map((host) => [host.name, host.entry]));
      await writeFile(join(into.home, 'hosts.json'), JSON.stringify({ hosts: entries }), { mode: 0o600 });
    },
    // The first sshd's directory holds the shared wrapper: it goes last.
    cleanup: async () => {
      await Promise.all(sshds.slice(1).map((sshd) => sshd.cleanup()));
      await first.cleanup();
    },
  };
}
