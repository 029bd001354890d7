import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, type TestHome, tmux, waitFor } from './cli.js';
import { scaled } from './deadline.js';

export interface TranscriptEntry {
  readonly kind: string;
  readonly identity: string;
  readonly text?: string;
  readonly mode?: string;
  readonly sessionId?: string;
}

/** The demo agent's transcript in a working directory. */
export async function transcript(cwd: string): Promise<TranscriptEntry[]> {
  const text = await readFile(join(cwd, '.iapeer-demo', 'transcript.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TranscriptEntry);
}

export async function waitForTranscript(cwd: string, what: string, match: (entry: TranscriptEntry) => boolean): Promise<TranscriptEntry> {
  return waitFor(async () => (await transcript(cwd)).find(match), what, scaled(15_000));
}

/** A working directory for a peer inside the test home. */
export async function workDir(home: TestHome, name: string): Promise<string> {
  const dir = join(home.home, 'work', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

export interface ListRow {
  readonly personality: string;
  readonly runtime: string;
  readonly identity: string;
  readonly state: string;
  readonly idleSeconds: number | null;
  readonly pid: number | null;
  readonly alwaysOn: boolean;
  readonly description: string;
  readonly waiting: number;
  readonly sessionId: string | null;
}

export async function listJson(home: TestHome): Promise<ListRow[]> {
  const result = await home.run(['list', '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ListRow[];
}

export async function rowOf(home: TestHome, identity: string): Promise<ListRow | undefined> {
  return (await listJson(home)).find((row) => row.identity === identity);
}

/** True when a tmux server answers on the identity's socket. */
export function serverUp(home: TestHome, identity: string): boolean {
  return tmux(join(home.sockDir, identity), ['list-sessions']).ok;
}

export function socketExists(home: TestHome, identity: string): boolean {
  return existsSync(join(home.sockDir, identity));
}

export async function lifecycleLines(home: TestHome): Promise<string[]> {
  const text = await readFile(join(home.home, 'logs', 'lifecycle.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}

export function expectOk(result: CliResult): void {
  if (result.code !== 0) throw new Error(`expected exit 0, got ${result.code}: ${result.stderr}`);
}

/** One stderr line in the contract's shape, `iapeer: <verb>: …`. */
export function expectError(result: CliResult, code: 1 | 2, verb: string, pattern?: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^iapeer: ${verb}: `));
  if (pattern) expect(lines[0]).toMatch(pattern);
  expect(result.stdout).toBe('');
}

/** Alive and not a zombie (an orphan waits for init to reap it). */
/**
 * The pid of the runtime under the wrapper that leads the pane (see tmux-args.ts): a death
 * by a signal is recorded by the wrapper, while tmux 3.3 sometimes keeps no status for a
 * killed wrapper.
 */
export function runtimePidOf(wrapperPid: number): number {
  const children = readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8').trim().split(/\s+/);
  const pid = Number(children[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no runtime under the wrapper ${wrapperPid}`);
  return pid;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) [ZX] /.test(stat);
}
