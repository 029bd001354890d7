import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, type TestHome, waitFor } from './cli.js';
import { scaled } from './deadline.js';
import { type Fixture, spawnCollected } from './fixtures.js';

/** A `daemon run` child of the test, with its output collected; killFixtures() ends it. */
export type DaemonProcess = Fixture & { readonly pid: number };

/** Starts `iapeer daemon run` for the home; `env` is added to (or, with `bare`, replaces) the home's environment. */
export function startDaemon(home: TestHome, env: Record<string, string> = {}, options: { bare?: boolean } = {}): DaemonProcess {
  const base = options.bare === true ? { IAPEER_HOME: home.home, IAPEER_SOCK_DIR: home.sockDir } : home.env;
  const daemon = spawnCollected('daemon run', [CLI, 'daemon', 'run'], { env: { ...base, ...env } });
  return Object.assign(daemon, { pid: daemon.child.pid ?? -1 });
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
