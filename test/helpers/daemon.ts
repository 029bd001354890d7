import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, REPO, type TestHome, waitFor } from './cli.js';
import { scaled } from './deadline.js';

/** A `daemon run` child of the test, with its output collected. */
export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `iapeer daemon run` for the home; `env` is added to (or, with `bare`, replaces) the home's environment. */
export function startDaemon(home: TestHome, env: Record<string, string> = {}, options: { bare?: boolean } = {}): DaemonProcess {
  const base = options.bare === true ? { IAPEER_HOME: home.home, IAPEER_SOCK_DIR: home.sockDir } : home.env;
  const child = spawn(process.execPath, [CLI, 'daemon', 'run'], { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const daemon: DaemonProcess = {
    child,
    pid: child.pid ?? -1,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => {
      child.on('close', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
    }),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (daemon.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (daemon.stderr += chunk));
  return daemon;
}

/** Kills every daemon a test started and left running. */
export async function killDaemons(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill('SIGKILL');
  await Promise.all(left.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('close', resolve)))));
}

export interface DaemonJson {
  readonly pid: number;
  readonly ticks: number;
  readonly lastTickAt: string | null;
  readonly tickMs: number | null;
  readonly peers: Record<string, string>;
  readonly queue: number;
}

export async function daemonJson(home: TestHome): Promise<DaemonJson | undefined> {
  const text = await readFile(join(home.home, 'daemon.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as DaemonJson);
}

/** Waits until the daemon has completed `count` more ticks than it had when called. */
export async function waitForTicks(home: TestHome, daemon: DaemonProcess, count: number, timeoutMs = 30_000): Promise<void> {
  const start = (await daemonJson(home))?.pid === daemon.pid ? ((await daemonJson(home))?.ticks ?? 0) : 0;
  await waitFor(
    async () => {
      if (daemon.child.exitCode !== null) throw new Error(`the daemon exited (${daemon.child.exitCode}): ${daemon.stderr}`);
      const state = await daemonJson(home);
      return state?.pid === daemon.pid && state.ticks >= start + count;
    },
    `${count} daemon ticks`,
    scaled(timeoutMs),
  );
}
