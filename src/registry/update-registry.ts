import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isTempFileOf, writeFileAtomic } from '../core/fs/atomic-write.js';
import { RefusedError } from '../core/errors.js';
import { acquireLock, describeLockEvent } from '../core/lock/file-lock.js';
import type { Paths } from '../core/paths.js';
import { ensureHome } from '../core/paths.js';
import { readRegistry } from './read-registry.js';
import type { Registry } from './schema.js';

export const REGISTRY_LOCK_STALE_MS = 10_000;
/**
 * How long the lock may stay with one holder (the line of waiters not moving) before a
 * writer gives up: longer than a stale lock left by a killed writer lasts. A long line that
 * moves is waited out.
 */
export const REGISTRY_LOCK_WAIT_MS = 30_000;

export interface UpdateOptions {
  /** Told (once, after about a second) that the update waits for the lock, and of any takeover. */
  readonly onWait?: ((message: string) => void) | undefined;
}

export interface UpdateResult<T> {
  readonly registry: Registry;
  readonly value: T;
}

/**
 * The mutation sees the registry as it is under the lock and returns the next one
 * (or `undefined` for no change) and a value for the caller.
 */
export type Mutation<T> = (current: Registry) => { next: Registry | undefined; value: T };

/**
 * The only way the registry is written: under the lock, from a fresh read, atomically.
 * A registry that does not validate is never overwritten, and one update may remove at
 * most one peer, so no bug can write an empty registry over a full one.
 */
export async function updateRegistry<T>(paths: Paths, mutate: Mutation<T>, options: UpdateOptions = {}): Promise<UpdateResult<T>> {
  await ensureHome(paths);
  const { onWait } = options;
  const lock = await acquireLock(paths.registry, paths.registryLock, {
    staleMs: REGISTRY_LOCK_STALE_MS,
    waitMs: REGISTRY_LOCK_WAIT_MS,
    ...(onWait ? { onWait: (event) => onWait(describeLockEvent('the registry lock', event)) } : {}),
  });
  try {
    await removeOrphanTempFiles(paths.registry);
    // The same safe read as everywhere: a regular file only, never a link or a pipe.
    const current = readRegistry(paths.registry);
    const { next, value } = mutate(current);
    if (next === undefined) return { registry: current, value };
    if (next.peers.length < current.peers.length - 1) {
      throw new RefusedError(
        `refusing to write ${paths.registry}: one update would remove ${current.peers.length - next.peers.length} peers`,
        'EREGISTRYSHRINK',
      );
    }
    await writeFileAtomic(paths.registry, `${JSON.stringify(next, null, 2)}\n`, {
      mode: 0o600,
      beforeCommit: () => lock.assertHeld(),
    });
    return { registry: next, value };
  } finally {
    await lock.release();
  }
}

/** Under the lock no write is in progress, so any temp file left beside the registry is a dead writer's. */
async function removeOrphanTempFiles(file: string): Promise<void> {
  const dir = dirname(file);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => isTempFileOf(file, name)).map((name) => rm(join(dir, name), { force: true })),
  );
}
