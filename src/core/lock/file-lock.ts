import { mkdir, readdir, rmdir, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { LockError, errnoCode } from '../errors.js';
import { type LockHolder, isHolderDead, readHolder, removeHolder, writeHolder } from './lock-holder.js';
import { type Ticket, joinQueue, waitForChange } from './lock-queue.js';

/** What a waiter is told: that it waits (once), and any takeover of an abandoned lock. */
export type LockWaitEvent =
  | { readonly kind: 'waiting'; readonly holderPid: number | undefined }
  | { readonly kind: 'took-over'; readonly holderPid: number | undefined; readonly reason: 'dead' | 'stale' };

export interface LockOptions {
  /** A lock whose mtime is older than this is abandoned and may be taken over. */
  readonly staleMs: number;
  /**
   * Give up when the lock has not changed hands, nor the line of waiters moved, for this
   * long: a long line that moves is waited out, a holder that hangs is not. 0 tries once.
   */
  readonly waitMs: number;
  readonly onWait?: (event: LockWaitEvent) => void;
  /** How long a wait stays silent before `onWait` hears of it. */
  readonly noticeAfterMs?: number;
  /** Test seam: runs between seeing an abandoned lock (stale, or its holder dead) and claiming its takeover. */
  readonly afterAbandonedSeen?: () => Promise<void>;
}

export interface HeldLock {
  /** Throws a LockError if the lock was lost (taken over, removed) since it was acquired. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * proper-lockfile is told a lock is never stale, so it never runs its own takeover,
 * which can let two processes both hold the lock (its stat, rmdir, mkdir sequence races
 * when two contenders reclaim the same stale lock). It still creates the lock, refreshes its mtime and reports compromise;
 * takeovers are done by `takeOver` below.
 */
const NEVER_STALE_MS = 2 ** 31 - 1;
const NOTICE_AFTER_MS = 1000;
/** How often the first in line re-reads the holder record to see whether its holder died. */
const HOLDER_CHECK_MS = 250;
/** How often a waiter behind the first looks at the line when no watch wakes it. */
const FOLLOWER_POLL_MS = 1000;

/** What a contender knows of the lock it last looked at. */
interface Seen {
  instance?: string;
  holder?: LockHolder | undefined;
  checkedAt: number;
}

export async function acquireLock(target: string, lockPath: string, options: LockOptions): Promise<HeldLock> {
  const seen: Seen = { checkedAt: 0 };
  // Whoever finds the lock taken first checks whether its holder is dead or it is stale.
  for (let attempt = 0; attempt < 3; attempt++) {
    const held = await tryAcquire(target, lockPath, options.staleMs);
    if (held) return held;
    if ((await inspect(lockPath, options, seen)).retry === false) break;
  }
  if (options.waitMs <= 0) throw heldError(lockPath, seen.holder);
  const ticket = await joinQueue(lockPath);
  try {
    return await waitInLine(target, lockPath, options, seen, ticket);
  } finally {
    await ticket.leave();
  }
}

async function waitInLine(target: string, lockPath: string, options: LockOptions, seen: Seen, ticket: Ticket): Promise<HeldLock> {
  const started = Date.now();
  const noticeAt = started + (options.noticeAfterMs ?? NOTICE_AFTER_MS);
  let progressKey: string | undefined;
  let progressAt = started;
  let noticed = false;
  for (;;) {
    const place = await ticket.place();
    // Watch before trying, so that a release between the try and the wait still wakes us.
    const stop = new AbortController();
    try {
      let wake = place.first ? waitForChange(lockPath, HOLDER_CHECK_MS, false, stop.signal) : undefined;
      let key = `line:${place.head}`;
      if (place.first) {
        const held = await tryAcquire(target, lockPath, options.staleMs);
        if (held) return held;
        const looked = await inspect(lockPath, options, seen);
        if (looked.retry) continue;
        key = `lock:${looked.key}`;
      }
      const now = Date.now();
      if (key !== progressKey) {
        progressKey = key;
        progressAt = now;
      } else if (now - progressAt >= options.waitMs) {
        throw heldError(lockPath, seen.holder ?? (await readHolder(lockPath)));
      }
      if (!noticed && now >= noticeAt) {
        noticed = true;
        const holder = place.first ? seen.holder : await readHolder(lockPath);
        tell(options, { kind: 'waiting', holderPid: holder?.pid });
      }
      // Behind the first, sleep until the ticket just ahead goes; the slow poll behind the
      // watch also finds waiters that died in line.
      wake ??= waitForChange(place.previous ?? lockPath, noticed ? FOLLOWER_POLL_MS : Math.max(10, Math.min(FOLLOWER_POLL_MS, noticeAt - now)), true, stop.signal);
      await wake;
    } finally {
      stop.abort();
    }
  }
}

function tell(options: LockOptions, event: LockWaitEvent): void {
  try {
    options.onWait?.(event);
  } catch {
    // A notice that cannot be shown never fails the operation.
  }
}

function heldError(lockPath: string, holder: LockHolder | undefined): LockError {
  const by = holder ? ` (pid ${holder.pid})` : '';
  return new LockError(
    `${lockPath} is held by another process${by}; retry, or if no iapeer process is running remove that directory`,
  );
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
  let mine: LockHolder;
  let identity;
  try {
    const made = await stat(lockPath);
    mine = await writeHolder(lockPath);
    // Adding the record moved the directory's mtime; proper-lockfile would take that for
    // another process's refresh and stop refreshing the lock, so put it back.
    await utimes(lockPath, made.atime, made.mtime);
    identity = await stat(lockPath);
  } catch (error) {
    await removeHolder(lockPath).catch(() => {});
    await release().catch(() => {});
    throw new LockError(`cannot record the holder of lock ${lockPath}: ${(error as Error).message}`, { cause: error });
  }
  const stillMine = async () => (await readHolder(lockPath))?.token === mine.token;
  return {
    async assertHeld() {
      if (lost) throw new LockError(`lost the lock ${lockPath} (${lost.message}); nothing was written`, { cause: lost });
      let now;
      try {
        now = await stat(lockPath);
      } catch (error) {
        throw new LockError(`lost the lock ${lockPath} (it was removed); nothing was written`, { cause: error });
      }
      // A lock re-created after a takeover can reuse the inode number; its birth time and token differ.
      if (now.ino !== identity.ino || now.birthtimeMs !== identity.birthtimeMs || !(await stillMine())) {
        throw new LockError(`lost the lock ${lockPath} (another process took it over); nothing was written`);
      }
    },
    async release() {
      // A lock taken over from us is someone else's now: leave it alone.
      if (lost || !(await stillMine())) return;
      await removeHolder(lockPath);
      try {
        await release();
      } catch (error) {
        if (errnoCode(error) !== 'ERELEASED' && errnoCode(error) !== 'ENOTACQUIRED') throw error;
      }
    },
  };
}

type Looked = { readonly retry: true } | { readonly retry: false; readonly key: string };

/**
 * Looks at a lock that is taken: takes it over at once when its recorded holder is provably
 * dead, or when its mtime is older than the stale window (a holder that stopped refreshing it,
 * or died before recording itself). `retry` means the lock is gone now; else `key` names it.
 */
async function inspect(lockPath: string, options: LockOptions, seen: Seen): Promise<Looked> {
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

/** One line for a person: `waiting for the registry lock (held by pid 1234)…`. */
export function describeLockEvent(what: string, event: LockWaitEvent): string {
  const pid = event.holderPid === undefined ? '' : ` (held by pid ${event.holderPid})`;
  if (event.kind === 'waiting') return `waiting for ${what}${pid}…`;
  const from = event.holderPid === undefined ? '' : ` from pid ${event.holderPid}`;
  return event.reason === 'dead' ? `took over ${what}${from}, which died holding it` : `took over ${what}${from}, abandoned (not refreshed within the stale window)`;
}
