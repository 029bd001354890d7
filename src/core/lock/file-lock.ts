import { stat, utimes } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { LockError, errnoCode } from '../errors.js';
import { type LockHolder, readHolder, removeHolder, writeHolder } from './lock-holder.js';
import { type LockOptions, type LockWaitEvent, tell } from './lock-options.js';
import { type Ticket, joinQueue, waitForChange } from './lock-queue.js';
import { type Seen, HOLDER_CHECK_MS, inspectTakenLock } from './take-over-lock.js';

export interface HeldLock {
  /** Throws a LockError if the lock was lost (taken over, removed) since it was acquired. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * proper-lockfile is told a lock is never stale, so it never runs its own takeover,
 * which can let two processes both hold the lock (its stat, rmdir, mkdir sequence races
 * when two contenders reclaim the same stale lock). It still creates the lock, refreshes its mtime and reports compromise;
 * takeovers are done by `takeOver` (take-over-lock.ts).
 */
const NEVER_STALE_MS = 2 ** 31 - 1;
const NOTICE_AFTER_MS = 1000;
/** How often a waiter behind the first looks at the line when no watch wakes it. */
const FOLLOWER_POLL_MS = 1000;

export async function acquireLock(target: string, lockPath: string, options: LockOptions): Promise<HeldLock> {
  const seen: Seen = { checkedAt: 0 };
  // Whoever finds the lock taken first checks whether its holder is dead or it is stale.
  for (let attempt = 0; attempt < 3; attempt++) {
    const held = await tryAcquire(target, lockPath, options.staleMs);
    if (held) return held;
    if ((await inspectTakenLock(lockPath, options, seen)).retry === false) break;
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
        const looked = await inspectTakenLock(lockPath, options, seen);
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

/** One line for a person: `waiting for the registry lock (held by pid 1234)…`. */
export function describeLockEvent(what: string, event: LockWaitEvent): string {
  const pid = event.holderPid === undefined ? '' : ` (held by pid ${event.holderPid})`;
  if (event.kind === 'waiting') return `waiting for ${what}${pid}…`;
  const from = event.holderPid === undefined ? '' : ` from pid ${event.holderPid}`;
  return event.reason === 'dead' ? `took over ${what}${from}, which died holding it` : `took over ${what}${from}, abandoned (not refreshed within the stale window)`;
}
