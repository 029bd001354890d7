import { availableParallelism, loadavg } from 'node:os';

/**
 * How much slower than on an idle machine things run right now: the 1-minute load per
 * core, from 1 (idle) up to MAX_FACTOR. Deadlines that poll for a condition are scaled
 * by it, so a busy machine makes a test slower, never red.
 */
const MAX_FACTOR = 4;

export function loadFactor(): number {
  const perCore = (loadavg()[0] ?? 0) / Math.max(1, availableParallelism());
  return Math.min(MAX_FACTOR, Math.max(1, perCore));
}

/** `ms` on an idle machine, stretched by the current load (see loadFactor). */
export function scaled(ms: number): number {
  return Math.round(ms * loadFactor());
}

/**
 * A vitest per-test timeout for a test whose deadlines add up to `budgetMs` on an idle
 * machine: room for the largest stretch plus a margin, fixed when the test is declared.
 */
export function testTimeoutFor(budgetMs: number): number {
  return budgetMs * MAX_FACTOR + 30_000;
}
