import { join } from 'node:path';
import { acquireLock } from '../../core/lock/file-lock.js';
import { type Paths, ensurePrivateDir } from '../../core/paths.js';

const DELIVERY_LOCK_STALE_MS = 10_000;
/** A delivery takes seconds at worst (a wake, a draft wait, Enter retries); several may queue up. */
const DELIVERY_LOCK_WAIT_MS = 300_000;

/**
 * Runs `fn` holding the identity's delivery lock, so that deliveries to one identity never
 * interleave (a paste, its Enter and the check that it was taken belong together), while
 * different identities proceed in parallel. Taken before the identity's own lock, never after.
 * `tryOnce`: a LockError at once when a delivery is under way, rather than waiting for it.
 */
export async function withDeliveryLock<T>(paths: Paths, identity: string, fn: () => Promise<T>, options: { tryOnce?: boolean } = {}): Promise<T> {
  await ensurePrivateDir(paths.stateRoot);
  const lockPath = join(paths.stateRoot, `${identity}.deliver.lock`);
  const waitMs = options.tryOnce === true ? 0 : DELIVERY_LOCK_WAIT_MS;
  const lock = await acquireLock(lockPath, lockPath, { staleMs: DELIVERY_LOCK_STALE_MS, waitMs });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
