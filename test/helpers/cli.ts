import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.cjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestHome {
  readonly home: string;
  readonly sockDir: string;
  /** The environment a CLI call runs with: this home, no inherited tmux or identity. */
  readonly env: Record<string, string>;
  /** Runs the built CLI; never throws on a non-zero exit. */
  run(args: readonly string[], options?: { cwd?: string; env?: Record<string, string | undefined>; input?: string }): Promise<CliResult>;
  /** Ends every tmux server and pane process this home started, then deletes it. */
  cleanup(): Promise<void>;
}

/**
 * The caller's environment without tmux, identity or iapeer settings, and without a locale:
 * launchd and cron set none, so the whole suite runs in that harder case.
 */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key === 'TMUX' || key === 'TMUX_PANE' || key === 'PEER_IDENTITY' || key.startsWith('IAPEER_')) continue;
    if (key === 'LANG' || key === 'LANGUAGE' || key.startsWith('LC_')) continue;
    env[key] = value;
  }
  return env;
}

export function runCli(
  args: readonly string[],
  options: { cwd?: string; env: Record<string, string | undefined>; input?: string },
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? REPO, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** A fresh IAPEER_HOME under /tmp with a short socket directory. */
export async function makeHome(): Promise<TestHome> {
  const home = await realpath(await mkdtemp(join(tmpdir(), 'iap-')));
  const sockDir = join(home, 'sock');
  const env = { ...baseEnv(), IAPEER_HOME: home, IAPEER_SOCK_DIR: sockDir, NO_COLOR: '1' };
  return {
    home,
    sockDir,
    env,
    run: (args, options = {}) =>
      runCli(args, { env: { ...env, ...options.env }, ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.input !== undefined ? { input: options.input } : {}) }),
    cleanup: () => cleanupHome(home, sockDir),
  };
}

/** Ends every tmux server on the sockets in `sockDir` and the pane processes recorded in `home`, then deletes `home`. */
export async function cleanupHome(home: string, sockDir: string): Promise<void> {
  const sockets = await readdir(sockDir).catch(() => [] as string[]);
  for (const name of sockets) {
    try {
      execFileSync('tmux', ['-S', join(sockDir, name), 'kill-server'], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // no server on that socket
    }
  }
  const states = await readdir(join(home, 'state')).catch(() => [] as string[]);
  for (const identity of states) {
    const text = await readFile(join(home, 'state', identity, 'spawned'), 'utf8').catch(() => undefined);
    if (!text) continue;
    const { pid } = JSON.parse(text) as { pid: number };
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await rm(home, { recursive: true, force: true });
}

/** Polls until `check` returns a truthy value or the deadline passes (then throws). */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 15_000, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function tmux(socket: string, args: readonly string[]): { ok: boolean; stdout: string } {
  try {
    return { ok: true, stdout: execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) };
  } catch {
    return { ok: false, stdout: '' };
  }
}
