// What every bench section shares: a throwaway home, timed iapeer calls, percentiles.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathsFor } from '../../src/core/paths.js';
import { emptyRegistry, newPeerRecord } from '../../src/registry/schema.js';
import { updateRegistry } from '../../src/registry/update-registry.js';

export const repo = resolve(import.meta.dirname, '..', '..');
export const cli = join(repo, 'dist', 'cli.cjs');
export const mainBundle = join(repo, 'dist', 'main.cjs');

export type Results = Record<string, number>;
export type Row = [string, string, string, string];

/** A section of the bench: what it measures, and its rows in the table. */
export interface Section {
  readonly run: () => Promise<Results>;
  readonly rows: (results: Results) => Row[];
}

export interface Home {
  readonly dir: string;
  readonly env: Record<string, string>;
}

export function makeHome(): Home {
  const dir = mkdtempSync(join(tmpdir(), 'iapb-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('IAPEER_') && key !== 'TMUX' && key !== 'PEER_IDENTITY' && key !== 'NODE_COMPILE_CACHE') env[key] = value;
  }
  return { dir, env: { ...env, IAPEER_HOME: dir, IAPEER_SOCK_DIR: join(dir, 'sock'), NO_COLOR: '1' } };
}

export function iapeer(home: Home, args: string[], entry = cli): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [entry, ...args], { env: home.env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`iapeer ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

export function timeNodeNoop(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** A process's resident memory now, in MiB (Linux: /proc). */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return round(Number(match?.[1] ?? Number.NaN) / 1024);
}

export const median = (values: number[]) => percentile(values, 50);
export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export async function registerDemoPeers(home: Home, names: string[]): Promise<void> {
  const cwd = join(home.dir, 'work');
  mkdirSync(cwd, { recursive: true });
  const now = new Date().toISOString();
  await updateRegistry(pathsFor({ home: home.dir, sockDir: join(home.dir, 'sock') }), () => ({
    next: {
      ...emptyRegistry(),
      peers: names.map((name) => ({ ...newPeerRecord({ personality: name, runtimes: ['demo'], cwd }, now), description: `bench peer ${name}` })),
    },
    value: undefined,
  }));
}

export function cleanup(home: Home): void {
  spawnSync(process.execPath, [cli, 'stop', '--all'], { env: home.env });
  rmSync(home.dir, { recursive: true, force: true });
}

export function collect(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`writer exited ${code ?? 'by signal'}`))));
  });
}

/** One `iapeer` call in the background: its wall time and whether it succeeded. */
export function timedCall(home: Home, args: string[]): Promise<{ ms: number; ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolvePromise({ ms: performance.now() - started, ok: code === 0, stdout, stderr }));
  });
}

/** Starts demo peers a few at a time: each start waits for its runtime's prompt. */
export async function startMany(home: Home, names: readonly string[], atOnce = 8): Promise<void> {
  for (let index = 0; index < names.length; index += atOnce) {
    const batch = names.slice(index, index + atOnce);
    const results = await Promise.all(batch.map((name) => timedCall(home, ['start', name])));
    const failed = results.find((result) => !result.ok);
    if (failed) throw new Error(`start failed: ${failed.stderr}`);
  }
}
