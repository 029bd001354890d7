import { readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isTempFileOf, writeFileAtomic } from '../core/atomic-write.js';
import { RefusedError, errnoCode } from '../core/errors.js';
import { acquireLock } from '../core/file-lock.js';
import type { Paths } from '../core/paths.js';
import { ensureHome } from '../core/paths.js';
import { parseRegistry } from './read-registry.js';
import { type Registry, emptyRegistry } from './schema.js';

export const REGISTRY_LOCK_STALE_MS = 10_000;
/** Long enough to outlast a stale lock left by a killed writer, with room to spare. */
export const REGISTRY_LOCK_WAIT_MS = 30_000;

export interface UpdateResult<T> {
  readonly registry: Registry;
  readonly value: T;
  readonly changed: boolean;
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
export async function updateRegistry<T>(paths: Paths, mutate: Mutation<T>): Promise<UpdateResult<T>> {
  await ensureHome(paths);
  const lock = await acquireLock(paths.registry, paths.registryLock, {
    staleMs: REGISTRY_LOCK_STALE_MS,
    waitMs: REGISTRY_LOCK_WAIT_MS,
  });
  try {
    await removeOrphanTempFiles(paths.registry);
    const current = await readUnderLock(paths.registry);
    const { next, value } = mutate(current);
    if (next === undefined) return { registry: current, value, changed: false };
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
    return { registry: next, value, changed: true };
  } finally {
    await lock.release();
  }
}

async function readUnderLock(file: string): Promise<Registry> {
  try {
    return parseRegistry(file, await readFile(file, 'utf8'));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return emptyRegistry();
    throw error;
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
