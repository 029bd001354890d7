import { join } from 'node:path';
import { acquireLock, describeLockEvent } from './file-lock.js';
import { type Paths, ensurePrivateDir } from '../paths.js';

const STATE_LOCK_STALE_MS = 10_000;
/**
 * How long one holder may keep an identity's lock before a waiter gives up: long enough for
 * a stop's hang-up, TERM and KILL graces, and a stale lock's window.
 */
const IDENTITY_LOCK_WAIT_MS = 30_000;
/**
 * A delivery may include a wake (up to the runtime's start-up timeout, 120 s), a draft wait
 * and Enter retries, and several senders may queue behind it.
 */
const DELIVERY_LOCK_WAIT_MS = 300_000;

export interface StateLockOptions {
  /** Told (once, after about a second) that it waits for a lock, and of any takeover of a dead holder's. */
  readonly onWait?: ((message: string) => void) | undefined;
}

interface StateLock {
  /** The lock's file name in the state directory. */
  readonly file: string;
  /** What a waiter is told it waits for. */
  readonly label: string;
}

/** Runs `fn` holding these locks of the state directory, taken in the order given. */
async function withStateLocks<T>(paths: Paths, locks: readonly StateLock[], waitMs: number, fn: () => Promise<T>, options: StateLockOptions): Promise<T> {
  const { onWait } = options;
  await ensurePrivateDir(paths.stateRoot);
  const held = [];
  try {
    for (const { file, label } of locks) {
      const lockPath = join(paths.stateRoot, file);
      held.push(
        await acquireLock(lockPath, lockPath, {
          staleMs: STATE_LOCK_STALE_MS,
          waitMs,
          ...(onWait ? { onWait: (event) => onWait(describeLockEvent(label, event)) } : {}),
        }),
      );
    }
    return await fn();
  } finally {
    for (const lock of held.reverse()) await lock.release();
  }
}

/**
 * Runs `fn` holding the locks of these identities (taken in sorted order, so that two
 * callers cannot deadlock). Whatever decides or changes an identity's session holds its
 * lock: the wake decision and spawn, stop, remove, self-fresh, the record of a death.
 * It is never held while waiting for a runtime to become ready.
 */
export function withIdentityLocks<T>(paths: Paths, identities: readonly string[], fn: () => Promise<T>, options: StateLockOptions = {}): Promise<T> {
  const locks = [...new Set(identities)].sort().map((identity) => ({ file: `${identity}.lock`, label: `the lock of ${identity}` }));
  return withStateLocks(paths, locks, IDENTITY_LOCK_WAIT_MS, fn, options);
}

/**
 * Runs `fn` holding the identity's delivery lock, so that deliveries to one identity never
 * interleave (a paste, its Enter and the check that it was taken belong together), while
 * different identities proceed in parallel. Taken before the identity's own lock, never after.
 * `tryOnce`: a LockError at once when a delivery is under way, rather than waiting for it.
 */
export function withDeliveryLock<T>(paths: Paths, identity: string, fn: () => Promise<T>, options: StateLockOptions & { readonly tryOnce?: boolean } = {}): Promise<T> {
  const lock = { file: `${identity}.deliver.lock`, label: `the delivery lock of ${identity}` };
  return withStateLocks(paths, [lock], options.tryOnce === true ? 0 : DELIVERY_LOCK_WAIT_MS, fn, options);
}
