import { randomBytes } from 'node:crypto';
import { readFile, readlink, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { isProcessAlive } from '../process/process.js';

/**
 * Who holds a lock: written inside the lock directory right after it is made. The token
 * names this one lock instance (a re-created lock may reuse the inode and even the mtime);
 * pid, start time, pid namespace and host let a contender prove the holder is dead.
 */
export interface LockHolder {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** /proc/<pid>/stat field 22 (clock ticks since boot); absent without /proc. */
  readonly start?: string;
  /** The pid namespace (/proc/self/ns/pid); a pid means nothing outside its own. */
  readonly pidns?: string;
}

const HOLDER_FILE = 'holder';

export function holderFileOf(lockPath: string): string {
  return join(lockPath, HOLDER_FILE);
}

/** Start time of a process, or undefined when it is gone (or there is no /proc). */
async function startTimeOf(pid: number): Promise<{ start: string; zombie: boolean } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name before the fields may hold spaces and parens; field 3 is rest[0].
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = rest[19];
  if (start === undefined) return undefined;
  return { start, zombie: rest[0] === 'Z' || rest[0] === 'X' };
}

let self: Promise<Omit<LockHolder, 'token'>> | undefined;

function selfHolder(): Promise<Omit<LockHolder, 'token'>> {
  self ??= (async () => {
    const start = (await startTimeOf(process.pid))?.start;
    const pidns = await readlink('/proc/self/ns/pid').catch(() => undefined);
    return {
      pid: process.pid,
      host: hostname(),
      ...(start === undefined ? {} : { start }),
      ...(pidns === undefined ? {} : { pidns }),
    };
  })();
  return self;
}

export async function writeHolder(lockPath: string): Promise<LockHolder> {
  const holder: LockHolder = { token: randomBytes(8).toString('hex'), ...(await selfHolder()) };
  await writeFile(holderFileOf(lockPath), `${JSON.stringify(holder)}\n`, { flag: 'wx', mode: 0o600 });
  return holder;
}

/** The holder record, or undefined when there is none (yet) or it cannot be read. */
export async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  let text;
  try {
    text = await readFile(holderFileOf(lockPath), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.token !== 'string' || typeof value.host !== 'string' || !Number.isSafeInteger(value.pid) || (value.pid ?? 0) <= 0) {
      return undefined;
    }
    return value as LockHolder;
  } catch {
    // Half-written by a holder killed at that moment: the mtime window still applies.
    return undefined;
  }
}

export async function removeHolder(lockPath: string): Promise<void> {
  await unlink(holderFileOf(lockPath)).catch((error: unknown) => {
    if (errnoCode(error) !== 'ENOENT') throw error;
  });
}

/**
 * True only when the holder is provably dead: on this host and in this pid namespace,
 * its pid is gone, a zombie, or now names a process started at another time.
 */
export async function isHolderDead(holder: LockHolder): Promise<boolean> {
  const me = await selfHolder();
  if (holder.host !== me.host || holder.pidns !== me.pidns) return false;
  if (!isProcessAlive(holder.pid)) return true;
  if (holder.start === undefined) return false;
  const now = await startTimeOf(holder.pid);
  if (now === undefined) return !isProcessAlive(holder.pid);
  return now.zombie || now.start !== holder.start;
}
