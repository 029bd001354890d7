import { type ChildProcess, spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, waitFor } from './cli.js';
import { scaled } from './deadline.js';

/** A test/fixtures/<name>.ts process run under tsx, with its output collected. */
export interface Fixture {
  readonly child: ChildProcess;
  readonly name: string;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

export function exited(fixture: Fixture): boolean {
  return fixture.child.exitCode !== null || fixture.child.signalCode !== null;
}

export function describeFixture(fixture: Fixture): string {
  return `${fixture.name} pid ${fixture.child.pid} (exit ${fixture.child.exitCode ?? fixture.child.signalCode}): ${fixture.stderr.trim() || '(no stderr)'}`;
}

/** Starts a process with its output collected; killFixtures() ends it after the test if it is still running. */
export function spawnCollected(name: string, argv: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Fixture {
  const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
  running.add(child);
  const fixture: Fixture = {
    child,
    name,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => {
      child.on('close', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
    }),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (fixture.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (fixture.stderr += chunk));
  return fixture;
}

/** Starts a test/fixtures/<name>.ts process under tsx. */
export function spawnFixture(name: string, args: readonly string[]): Fixture {
  return spawnCollected(name, ['--import', 'tsx', join(REPO, 'test', 'fixtures', `${name}.ts`), ...args]);
}

/**
 * Waits until every fixture has printed `ready`, then writes the go-file with a start time
 * a little ahead, so that they all begin at the same moment whatever their start-up took.
 * Both the deadline and the lead are stretched by the machine's load (see deadline.ts).
 */
export async function releaseTogether(fixtures: readonly Fixture[], goFile: string, timeoutMs: number, leadMs = 300): Promise<void> {
  await waitFor(
    () => {
      const dead = fixtures.find(exited);
      if (dead) throw new Error(`fixture exited before the start: ${describeFixture(dead)}`);
      return fixtures.every((fixture) => fixture.stdout.startsWith('ready\n'));
    },
    `${fixtures.length} fixtures to be ready`,
    scaled(timeoutMs),
    20,
  );
  writeFileSync(`${goFile}.tmp`, String(Date.now() + scaled(leadMs)));
  renameSync(`${goFile}.tmp`, goFile);
}

/** Waits for every fixture to end (deadline stretched by the load) and expects each to have exited 0. */
export async function allExited(fixtures: readonly Fixture[], what: string, timeoutMs: number): Promise<void> {
  await waitFor(() => fixtures.every(exited), what, scaled(timeoutMs), 50);
  await Promise.all(fixtures.map((fixture) => fixture.exit));
  for (const fixture of fixtures) expect(fixture.child.exitCode, describeFixture(fixture)).toBe(0);
}

/** SIGKILLs every fixture still running and waits until they are gone; for afterEach. */
export async function killFixtures(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => child.once('close', () => resolve())),
    ),
  );
  running.clear();
}
