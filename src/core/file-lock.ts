import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { LockError, errnoCode } from './errors.js';

export interface LockOptions {
  /** A lock whose mtime is older than this is abandoned and may be taken over. */
  readonly staleMs: number;
  /** How long to keep trying before giving up; 0 tries once. */
  readonly waitMs: number;
  /** Test seam: runs between seeing a stale lock and claiming its takeover. */
  readonly afterStaleSeen?: () => Promise<void>;
}

export interface HeldLock {
  /** Throws a LockError if the lock was lost (taken over, removed) since it was acquired. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * proper-lockfile is told a lock is never stale, so it never runs its own takeover,
 * which can let two processes both hold the lock (stat, rmdir, mkdir race: upstream
 * issue #121). It still creates the lock, refreshes its mtime and reports compromise;
 * the takeover is done by `takeOverIfStale` below.
 */
const NEVER_STALE_MS = 2 ** 31 - 1;

export async function acquireLock(target: string, lockPath: string, options: LockOptions): Promise<HeldLock> {
  const started = Date.now();
  const deadline = started + options.waitMs;
  for (;;) {
    const held = await tryAcquire(target, lockPath, options.staleMs);
    if (held) return held;
    if (await takeOverIfStale(lockPath, options)) continue;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new LockError(
        `${lockPath} is held by another process; retry, or if no iapeer process is running remove that directory`,
      );
    }
    await sleep(Math.min(remaining, retryDelayMs(Date.now() - started)));
  }
}

/**
 * Random, and shorter the longer a caller has waited: an exponential backoff would let
 * fresh callers (retrying fast) starve the ones that have waited longest (retrying slowly).
 * A try is one mkdir, so frequent polling is cheap.
 */
export function retryDelayMs(waitedMs: number): number {
  const ceiling = Math.max(4, 30 - waitedMs / 100);
  return 2 + Math.random() * (ceiling - 2);
}

async function tryAcquire(target: string, lockPath: string, staleMs: number): Promise<HeldLock | undefined> {
  let lost: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      lockfilePath: lockPath,
      stale: NEVER_STALE_MS,
      update: Math.max(1000, Math.floor(staleMs / 2)),
      retries: 0,
      // Losing the lock must abort the write in progress, not crash the process.
      onCompromised: (error) => {
        lost = error;
      },
    });
  } catch (error) {
    if (errnoCode(error) === 'ELOCKED') return undefined;
    throw new LockError(`cannot create lock ${lockPath}: ${(error as Error).message}`, { cause: error });
  }
  const identity = await stat(lockPath);
  return {
    async assertHeld() {
      if (lost) throw new LockError(`lost the lock ${lockPath} (${lost.message}); nothing was written`, { cause: lost });
      let now;
      try {
        now = await stat(lockPath);
      } catch (error) {
        throw new LockError(`lost the lock ${lockPath} (it was removed); nothing was written`, { cause: error });
      }
      // A lock re-created after a takeover can reuse the inode number; its birth time differs.
      if (now.ino !== identity.ino || now.birthtimeMs !== identity.birthtimeMs) {
        throw new LockError(`lost the lock ${lockPath} (another process took it over); nothing was written`);
      }
    },
    async release() {
      if (lost) return;
      try {
        await release();
      } catch (error) {
        if (errnoCode(error) !== 'ERELEASED' && errnoCode(error) !== 'ENOTACQUIRED') throw error;
      }
    },
  };
}

function claimName(lockPath: string, ino: number, mtimeMs: number, generation: number): string {
  return `${lockPath}.takeover-${ino}-${Math.trunc(mtimeMs)}-${generation}`;
}

const MAX_CLAIM_GENERATIONS = 8;

/**
 * Removes an abandoned lock so that exactly one contender can do so. The stale lock
 * is named by its (inode, mtime); the right to remove it is an exclusive mkdir of a
 * claim named after it, and the lock is re-checked under the claim, so a lock that
 * someone re-created in the meantime (new mtime) is never removed. A claim is held for
 * microseconds; one older than the stale window belongs to a dead contender, and the
 * next generation's claim is taken instead. Returns true when the caller should retry now.
 */
async function takeOverIfStale(lockPath: string, options: LockOptions): Promise<boolean> {
  let seen;
  try {
    seen = await stat(lockPath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return true;
    throw error;
  }
  if (Date.now() - seen.mtimeMs <= options.staleMs) return false;
  await options.afterStaleSeen?.();

  for (let generation = 0; generation < MAX_CLAIM_GENERATIONS; generation++) {
    const claim = claimName(lockPath, seen.ino, seen.mtimeMs, generation);
    try {
      await mkdir(claim);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
      const claimAge = await ageOf(claim);
      if (claimAge !== undefined && claimAge <= options.staleMs) return false;
      continue;
    }
    try {
      const current = await stat(lockPath).catch((error: unknown) => {
        if (errnoCode(error) === 'ENOENT') return undefined;
        throw error;
      });
      if (current && current.ino === seen.ino && current.mtimeMs === seen.mtimeMs) {
        await rmdir(lockPath).catch((error: unknown) => {
          if (errnoCode(error) !== 'ENOENT') throw error;
        });
      }
      return true;
    } finally {
      await removeClaims(lockPath, seen.ino, seen.mtimeMs);
    }
  }
  return false;
}

async function ageOf(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Claims name one stale lock that no longer exists, so removing all of them is safe. */
async function removeClaims(lockPath: string, ino: number, mtimeMs: number): Promise<void> {
  const prefix = basename(claimName(lockPath, ino, mtimeMs, 0)).replace(/0$/, '');
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => name.startsWith(prefix)).map((name) => rmdir(join(dirname(lockPath), name)).catch(() => {})),
  );
}
