/** After this many failed attempts a queued message is set aside (kept, logged), not retried. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 300_000;
/** Someone's draft in the composer is not a failure: look again soon, without counting. */
export const DRAFT_RETRY_MS = 5_000;

/**
 * A peer that cannot be started (its runtime not installed, its cwd gone) is not the
 * message's failure: it waits, looked at again this often, with no attempt counted.
 */
export const CANNOT_START_RETRY_MS = 60_000;

/** When to try a message again after `attempts` failures: 2 s, doubling, at most 5 min. */
export function nextAttemptAt(attempts: number, nowMs: number): Date {
  const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return new Date(nowMs + delay);
}

export function shouldSetAside(attempts: number): boolean {
  return attempts >= MAX_DELIVERY_ATTEMPTS;
}
