import { join } from 'node:path';
import { acquireLock, describeLockEvent } from './file-lock.js';
import { type Paths, ensurePrivateDir } from '../paths.js';

const IDENTITY_LOCK_STALE_MS = 10_000;
/**
 * How long one holder may keep the lock before a waiter gives up: long enough for a stop's
 * hang-up, TERM and KILL graces, and a stale lock's window.
 */
const IDENTITY_LOCK_WAIT_MS = 30_000;

export interface IdentityLockOptions {
  /** Told (once, after about a second) that it waits for a lock, and of any takeover of a dead holder's. */
  readonly onWait?: ((message: string) => void) | undefined;
}

/**
 * Runs `fn` holding the locks of these identities (taken in sorted order, so that two
 * callers cannot deadlock). Whatever decides or changes an identity's session holds its
 * lock: the wake decision and spawn, stop, remove, self-fresh, the record of a death.
 * It is never held while waiting for a runtime to become ready.
 */
export async function withIdentityLocks<T>(
  paths: Paths,
  identities: readonly string[],
  fn: () => Promise<T>,
  options: IdentityLockOptions = {},
): Promise<T> {
  const { onWait } = options;
  await ensurePrivateDir(paths.stateRoot);
  const held = [];
  try {
    for (const identity of [...new Set(identities)].sort()) {
      const lockPath = join(paths.stateRoot, `${identity}.lock`);
      held.push(
        await acquireLock(lockPath, lockPath, {
          staleMs: IDENTITY_LOCK_STALE_MS,
          waitMs: IDENTITY_LOCK_WAIT_MS,
          ...(onWait ? { onWait: (event) => onWait(describeLockEvent(`the lock of ${identity}`, event)) } : {}),
        }),
      );
    }
    return await fn();
  } finally {
    for (const lock of held.reverse()) await lock.release();
  }
}
