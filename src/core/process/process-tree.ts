import { readFileSync, readdirSync } from 'node:fs';
import { errnoCode } from '../errors.js';
import { isProcessRunning } from './process.js';

/*
 * Ending a pane's whole process tree, not only its process group: a descendant that
 * called setsid() has left the group, so a group kill misses it.
 *
 * Snapshot the tree BEFORE hanging up the tmux server: once the agent dies its children
 * are reparented (to init or a subreaper) and can no longer be found by parent pid.
 * The intended caller: snapshot → kill the tmux server → wait for the group/tree to
 * exit → TERM what is left of the snapshot → wait → KILL.
 *
 * What still escapes: a daemon that double-forked before the snapshot (already
 * reparented, so not a descendant), and anything forked after the snapshot by a process
 * outside the group. Pid reuse between snapshot and signal is guarded on Linux by each
 * process's start time; a pid reused in the instant between that re-check and kill()
 * is not (Node has no pidfd), and elsewhere there is no start-time check.
 */

/** One process as a scan sees it; `startTime` is /proc's field 22 (clock ticks since boot), absent without /proc. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** Its process group. */
  readonly group: number;
  readonly zombie: boolean;
  readonly startTime?: string;
}

export interface TreeSnapshot {
  /** The root first, then its descendants. */
  readonly pids: readonly number[];
  /** Start time of each pid when the snapshot was taken, where /proc tells it. */
  readonly startTimes: ReadonlyMap<number, string>;
}

interface StatLine {
  readonly ppid: number;
  readonly group: number;
  readonly state: string;
  readonly startTime: string;
}

/** Fields of a /proc/<pid>/stat line; the command name before them may hold spaces and parens. */
function parseStat(stat: string): StatLine | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const rest = stat.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const group = Number(rest[2]);
  const startTime = rest[19];
  if (!Number.isInteger(ppid) || !Number.isInteger(group) || startTime === undefined) return undefined;
  return { ppid, group, state: rest[0] ?? '', startTime };
}

function readStat(pid: number): StatLine | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

const isZombieState = (state: string): boolean => state === 'Z' || state === 'X';

/**
 * Every process, from one pass over /proc; undefined where there is no /proc. Synchronous:
 * hundreds of tiny reads through the thread pool cost several times more, and swamp it.
 */
function scanProc(): ProcessEntry[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  if (!names.includes('self')) return undefined;
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    // Gone between readdir and read: nothing to end.
    if (stat === undefined) continue;
    entries.push({ pid: Number(name), ppid: stat.ppid, group: stat.group, zombie: isZombieState(stat.state), startTime: stat.startTime });
  }
  return entries;
}

/** Every process according to `ps`, for systems without /proc (macOS); no start times. */
export async function scanWithPs(): Promise<ProcessEntry[]> {
  const { execa } = await import('execa');
  const { stdout } = await execa('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=']);
  const entries: ProcessEntry[] = [];
  for (const line of stdout.split('\n')) {
    const [pid, ppid, group, stat] = line.trim().split(/\s+/);
    if (pid === undefined || ppid === undefined || group === undefined) continue;
    entries.push({ pid: Number(pid), ppid: Number(ppid), group: Number(group), zombie: (stat ?? '').startsWith('Z') });
  }
  return entries;
}

/** Every process: /proc where there is one, `ps` elsewhere. */
export async function scanProcesses(): Promise<ProcessEntry[]> {
  return scanProc() ?? (await scanWithPs());
}

/** Running (not zombie) pids by process group. */
export function runningByGroup(entries: readonly ProcessEntry[]): Map<number, number[]> {
  const running = new Map<number, number[]>();
  for (const entry of entries) {
    if (entry.zombie) continue;
    const members = running.get(entry.group);
    if (members === undefined) running.set(entry.group, [entry.pid]);
    else members.push(entry.pid);
  }
  return running;
}

/** Live descendants of `rootPid` in a scan, parents before children; zombies left out. */
function descendantEntries(rootPid: number, entries: readonly ProcessEntry[]): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of entries) {
    const siblings = children.get(entry.ppid);
    if (siblings === undefined) children.set(entry.ppid, [entry]);
    else siblings.push(entry);
  }
  const found: ProcessEntry[] = [];
  const seen = new Set([rootPid]);
  const queue = [rootPid];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    for (const child of children.get(parent) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      queue.push(child.pid);
      if (!child.zombie) found.push(child);
    }
  }
  return found;
}

/** Every live process whose parent chain leads to `rootPid`, not counting `rootPid`. */
export async function listDescendants(rootPid: number, scan = scanProcesses): Promise<number[]> {
  return descendantEntries(rootPid, await scan()).map((entry) => entry.pid);
}

/** The root and its live descendants, with start times to recognise them later; a root already gone is left out. */
export async function snapshotTree(rootPid: number, scan = scanProcesses): Promise<TreeSnapshot> {
  const entries = await scan();
  const root = entries.find((entry) => entry.pid === rootPid);
  const members = [...(root === undefined ? [] : [root]), ...descendantEntries(rootPid, entries)];
  const startTimes = new Map<number, string>();
  for (const { pid, startTime } of members) {
    if (startTime !== undefined) startTimes.set(pid, startTime);
  }
  return { pids: members.map((member) => member.pid), startTimes };
}

/**
 * The live process behind `pid` is still the one the snapshot saw. Without a recorded
 * start time (no /proc) it is taken on trust; with one, a vanished or restarted pid fails.
 */
async function stillRunning(snapshot: TreeSnapshot, pid: number): Promise<boolean> {
  const recorded = snapshot.startTimes.get(pid);
  if (recorded === undefined) return isProcessRunning(pid);
  const stat = readStat(pid);
  return stat !== undefined && stat.startTime === recorded && !isZombieState(stat.state);
}

/**
 * Signals every process of the snapshot that is still the one recorded; returns the pids
 * signalled. Gone already is fine, and so is one we may not signal (it changed user).
 */
export async function signalAll(snapshot: TreeSnapshot, signal: NodeJS.Signals): Promise<number[]> {
  const signalled: number[] = [];
  for (const pid of snapshot.pids) {
    if (!(await stillRunning(snapshot, pid))) continue;
    try {
      process.kill(pid, signal);
      signalled.push(pid);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ESRCH' && code !== 'EPERM') throw error;
    }
  }
  return signalled;
}

/** True while any process of the snapshot runs (zombies and reused pids aside). */
export async function anyRunning(snapshot: TreeSnapshot): Promise<boolean> {
  for (const pid of snapshot.pids) {
    if (await stillRunning(snapshot, pid)) return true;
  }
  return false;
}
