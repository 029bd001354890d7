/** Takes over an abandoned lock: its holder died, or it was not refreshed within the stale window. */
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../errors.js';
import { type LockHolder, isHolderDead, readHolder, removeHolder } from './lock-holder.js';
import { type LockOptions, tell } from './lock-options.js';

/** How often the first in line re-reads the holder record to see whether its holder died. */
export const HOLDER_CHECK_MS = 250;

/** What a contender knows of the lock it last looked at. */
export interface Seen {
  instance?: string;
  holder?: LockHolder | undefined;
  checkedAt: number;
}

type Looked = { readonly retry: true } | { readonly retry: false; readonly key: string };

/**
 * Looks at a lock that is taken: takes it over at once when its recorded holder is provably
 * dead, or when its mtime is older than the stale window (a holder that stopped refreshing it,
 * or died before recording itself). `retry` means the lock is gone now; else `key` names it.
 */
export async function inspectTakenLock(lockPath: string, options: LockOptions, seen: Seen): Promise<Looked> {
  let info;
  try {
    info = await stat(lockPath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { retry: true };
    throw error;
  }
  const instance = `${info.ino}:${info.birthtimeMs}`;
  const now = Date.now();
  if (instance !== seen.instance || now - seen.checkedAt >= (seen.holder ? HOLDER_CHECK_MS : 20)) {
    seen.instance = instance;
    seen.checkedAt = now;
    seen.holder = await readHolder(lockPath);
    const holder = seen.holder;
    if (holder && (await isHolderDead(holder))) {
      await options.afterAbandonedSeen?.();
      const outcome = await takeOver(lockPath, holder.token, options.staleMs, true, async () => (await readHolder(lockPath))?.token === holder.token);
      if (outcome === 'removed') tell(options, { kind: 'took-over', holderPid: holder.pid, reason: 'dead' });
      if (outcome !== 'busy') return { retry: true };
    }
  }
  if (now - info.mtimeMs > options.staleMs) {
    await options.afterAbandonedSeen?.();
    const holder = seen.holder;
    // Named by the holder's token when there is one; else by (inode, mtime), which a
    // fresh lock cannot share with one older than the stale window.
    const outcome = holder
      ? await takeOver(lockPath, holder.token, options.staleMs, true, async () => (await readHolder(lockPath))?.token === holder.token)
      : await takeOver(lockPath, `${info.ino}-${Math.trunc(info.mtimeMs)}`, options.staleMs, false, async () => {
          const current = await stat(lockPath).catch(() => undefined);
          return current?.ino === info.ino && current.mtimeMs === info.mtimeMs && (await readHolder(lockPath)) === undefined;
        });
    if (outcome === 'removed') tell(options, { kind: 'took-over', holderPid: holder?.pid, reason: 'stale' });
    if (outcome !== 'busy') return { retry: true };
  }
  return { retry: false, key: `${instance}:${seen.holder?.token ?? ''}` };
}

function claimName(lockPath: string, instance: string, generation: number): string {
  return `${lockPath}.takeover-${instance}-${generation}`;
}

const MAX_CLAIM_GENERATIONS = 8;

/**
 * Removes an abandoned lock so that exactly one contender does so. The right to remove
 * one lock instance is an exclusive mkdir of a claim named after it, and the lock is
 * re-checked under the claim (`stillSame`), so a lock someone re-created in the meantime
 * is never removed. A claim is held for microseconds; one older than the stale window
 * belongs to a dead contender, and the next generation's claim is taken instead. A lock
 * with no holder record is removed only while empty, so never once its holder has recorded itself.
 * 'removed': this caller removed it; 'gone': it changed or vanished; 'busy': another
 * contender is at it, or it is not empty after all.
 */
async function takeOver(
  lockPath: string,
  instance: string,
  staleMs: number,
  hasRecord: boolean,
  stillSame: () => Promise<boolean>,
): Promise<'removed' | 'gone' | 'busy'> {
  for (let generation = 0; generation < MAX_CLAIM_GENERATIONS; generation++) {
    const claim = claimName(lockPath, instance, generation);
    try {
      await mkdir(claim);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
      const claimAge = await ageOf(claim);
      if (claimAge !== undefined && claimAge <= staleMs) return 'busy';
      continue;
    }
    try {
      if (!(await stillSame())) return 'gone';
      if (hasRecord) await removeHolder(lockPath);
      try {
        await rmdir(lockPath);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return 'gone';
        // Not empty: a live holder recorded itself after all.
        if (errnoCode(error) === 'ENOTEMPTY' || errnoCode(error) === 'EEXIST') return 'busy';
        throw error;
      }
      return 'removed';
    } finally {
      await removeClaims(lockPath, instance);
    }
  }
  return 'busy';
}

async function ageOf(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Claims name one lock instance that no longer exists, so removing all of them is safe. */
async function removeClaims(lockPath: string, instance: string): Promise<void> {
  const prefix = basename(claimName(lockPath, instance, 0)).replace(/0$/, '');
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => name.startsWith(prefix)).map((name) => rmdir(join(dirname(lockPath), name)).catch(() => {})),
  );
}
