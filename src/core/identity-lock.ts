import { join } from 'node:path';
import { acquireLock } from './file-lock.js';
import { type Paths, ensurePrivateDir } from './paths.js';

const IDENTITY_LOCK_STALE_MS = 10_000;
/** Long enough for a stop's hang-up, TERM and KILL graces, and a stale lock's window. */
const IDENTITY_LOCK_WAIT_MS = 30_000;

/**
 * Runs `fn` holding the locks of these identities (taken in sorted order, so that two
 * callers cannot deadlock). Whatever decides or changes an identity's session holds its
 * lock: the wake decision and spawn, stop, remove, self-fresh, the record of a death.
 * It is never held while waiting for a runtime to become ready.
 */
export async function withIdentityLocks<T>(paths: Paths, identities: readonly string[], fn: () => Promise<T>): Promise<T> {
  await ensurePrivateDir(paths.stateRoot);
  const held = [];
  try {
    for (const identity of [...new Set(identities)].sort()) {
      const lockPath = join(paths.stateRoot, `${identity}.lock`);
      held.push(await acquireLock(lockPath, lockPath, { staleMs: IDENTITY_LOCK_STALE_MS, waitMs: IDENTITY_LOCK_WAIT_MS }));
    }
    return await fn();
  } finally {
    for (const lock of held.reverse()) await lock.release();
  }
}
