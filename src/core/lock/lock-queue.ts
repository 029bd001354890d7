import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdir, readdir, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { isProcessAlive } from '../process/process.js';

/**
 * The waiting line for a lock, so that the longest waiter goes next: each waiter puts a
 * ticket `<time>-<pid>-<random>` in `<lock>.queue/`; only the first live ticket's owner
 * tries the lock, and each of the others sleeps until the ticket just ahead of its own goes
 * (a file watch, with a slow poll behind it), so that waiting costs no CPU.
 * The line is advisory: mutual exclusion is the lock's mkdir alone, so a ticket that is
 * wrong (its owner dead or stopped) can cost fairness, never safety.
 */

/** A waiter refreshes its ticket this often; one not refreshed for TICKET_STALE_MS is passed over (a stopped process). */
const TICKET_REFRESH_MS = 1000;
const TICKET_STALE_MS = 5000;
/** A ticket this old was left by a dead owner whose pid was reused: removed. */
const TICKET_ABANDONED_MS = 60_000;
const TIME_WIDTH = 15;

export interface QueuePlace {
  /** No live ticket is ahead of ours. */
  readonly first: boolean;
  /** Live or unknown tickets ahead of ours (at least the count up to the first live one). */
  readonly ahead: number;
  /** The ticket at the head of the line: when it changes, the line has moved. */
  readonly head: string | undefined;
  /** The ticket just ahead of ours, whose going is worth waking for. */
  readonly previous: string | undefined;
}

export interface Ticket {
  place(): Promise<QueuePlace>;
  leave(): Promise<void>;
}

export function queueDirOf(lockPath: string): string {
  return `${lockPath}.queue`;
}

function pidOf(name: string): number {
  return Number(name.split('-')[1]);
}

export async function joinQueue(lockPath: string): Promise<Ticket> {
  const dir = queueDirOf(lockPath);
  const name = `${String(Date.now()).padStart(TIME_WIDTH, '0')}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = join(dir, name);
  // The last waiter to leave removes the directory; one joining at that moment makes it again.
  for (let attempt = 0; ; attempt++) {
    await mkdir(dir, { mode: 0o700 }).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
    try {
      await writeFile(file, '', { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
  let refreshedAt = Date.now();
  let left = false;

  return {
    async place() {
      if (Date.now() - refreshedAt >= TICKET_REFRESH_MS) {
        refreshedAt = Date.now();
        const now = new Date();
        await utimes(file, now, now).catch(() => {});
      }
      const names = (await readdir(dir).catch(() => [] as string[])).sort();
      const mine = names.indexOf(name);
      const before = mine < 0 ? [] : names.slice(0, mine);
      let head = 0;
      while (head < before.length && (await ticketState(join(dir, before[head] ?? ''))) !== 'live') head++;
      if (head < before.length) {
        let previous = before[head] ?? '';
        for (let back = before.length - 1; back > head; back--) {
          if ((await ticketState(join(dir, before[back] ?? ''))) !== 'gone') {
            previous = before[back] ?? previous;
            break;
          }
        }
        return { first: false, ahead: before.length - head, head: before[head], previous: join(dir, previous) };
      }
      return { first: true, ahead: 0, head: name, previous: undefined };
    },
    async leave() {
      if (left) return;
      left = true;
      await unlink(file).catch(() => {});
      await rmdir(dir).catch(() => {});
    },
  };
}

/** A dead owner's ticket is removed; a stopped owner's is passed over but left to it. */
async function ticketState(file: string): Promise<'live' | 'gone' | 'stale'> {
  const pid = pidOf(file.slice(file.lastIndexOf('/') + 1));
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isProcessAlive(pid)) {
    await unlink(file).catch(() => {});
    return 'gone';
  }
  let age;
  try {
    age = Date.now() - (await stat(file)).mtimeMs;
  } catch {
    return 'gone';
  }
  if (age > TICKET_ABANDONED_MS) await unlink(file).catch(() => {});
  return age > TICKET_STALE_MS ? 'stale' : 'live';
}

/**
 * Resolves when `path` is renamed or removed (or anything happens inside it, for a
 * directory), or after `timeoutMs`: file watches can miss events on some systems, so the
 * timeout is the floor of correctness and the watch only makes the wake-up prompt.
 * Resolves at once when `path` is already gone.
 */
export function waitForChange(path: string, timeoutMs: number, onlyRenames: boolean, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener('abort', done);
    try {
      watcher = watch(path, { persistent: false }, (event) => {
        if (!onlyRenames || event === 'rename') done();
      });
      watcher.on('error', done);
    } catch {
      done();
    }
  });
}
