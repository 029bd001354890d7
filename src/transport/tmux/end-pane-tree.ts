/** Ends the processes a session leaves once its server is told to go: the agent, its group, its tree. */
import { errnoCode } from '../../core/errors.js';
import { isProcessRunning, pollUntil, signalGroup } from '../../core/process/process.js';
import { type ProcessEntry, type TreeSnapshot, anyRunning, runningByGroup, scanProcesses, signalAll, snapshotTree } from '../../core/process/process-tree.js';
import type { PaneInfo } from './pane-liveness.js';

/** Grace periods when ending a session: hang-up first, then TERM, then KILL. */
export const HANGUP_GRACE_MS = 3000;
const TERM_GRACE_MS = 2000;
/** Most agents exit within milliseconds of the hang-up: look often, wait no longer than needed. */
export const EXIT_POLL_MS = 10;
/** How long one read of the process groups stands for a fresh one, while sessions end together. */
const GROUP_TABLE_REUSE_MS = 50;
/**
 * A scan this recent stands for a fresh one. A process forked since is missed, as one
 * forked between any scan and the hang-up would be: agents fork seldom, stops are at once.
 */
const SCAN_REUSE_MS = 250;

/** One scan of the process table, with each process by its pid. */
export interface ProcessTable {
  readonly entries: readonly ProcessEntry[];
  readonly byPid: ReadonlyMap<number, ProcessEntry>;
}

/** A pane's process tree as seen before its hang-up; `selfInside` when this process is in it. */
export interface PaneTree {
  readonly snapshot: TreeSnapshot;
  readonly selfInside: boolean;
}

export const NO_TREE: PaneTree = { snapshot: { pids: [], startTimes: new Map() }, selfInside: false };

/**
 * The pane's process tree in a scan, less this process and its ancestors: `self-fresh`
 * runs inside the session it ends and has to outlive it to remove the socket.
 */
export async function treeIn(pid: number, table: ProcessTable): Promise<PaneTree> {
  const snapshot = await snapshotTree(pid, () => Promise.resolve([...table.entries]));
  const mine = ancestryOf(process.pid, table);
  return {
    snapshot: { pids: snapshot.pids.filter((member) => !mine.has(member)), startTimes: snapshot.startTimes },
    selfInside: mine.has(pid),
  };
}

/**
 * The latest scan of the process table, shared by sessions ended at the same time: a scan
 * per session would swamp the machine.
 */
export class ProcessScans {
  private scan: { readonly startedAt: number; readonly table: Promise<ProcessTable> } | undefined;

  recent(): Promise<ProcessTable> {
    if (this.scan === undefined || performance.now() - this.scan.startedAt > SCAN_REUSE_MS) {
      this.scan = {
        startedAt: performance.now(),
        table: scanProcesses().then((entries) => ({ entries, byPid: new Map(entries.map((entry) => [entry.pid, entry])) })),
      };
    }
    return this.scan.table;
  }
}

/**
 * Ends the agent (which leads its process group), the rest of the group, and every
 * process of its tree seen before the hang-up, which finds a child that left the group
 * with setsid(). Waits out the hang-up for the agent, then TERM to what is left, then KILL.
 * What still escapes: a daemon that double-forked before the snapshot (already
 * reparented to init, so no descendant; Codex's app-server, shared per HOME, is one),
 * and a process forked after the snapshot by one outside the group.
 */
export async function endGroup(pane: PaneInfo, tree: PaneTree): Promise<void> {
  const agentExited = async () => !(await isProcessRunning(pane.pid));
  const allExited = () => treeAndGroupExited(pane.pid, tree);
  const agentGone = pane.dead || (await pollUntil(agentExited, HANGUP_GRACE_MS, EXIT_POLL_MS));
  if (agentGone && (await allExited())) return;
  await signalRest(pane, tree, 'SIGTERM');
  if (await pollUntil(allExited, TERM_GRACE_MS, EXIT_POLL_MS)) return;
  await signalRest(pane, tree, 'SIGKILL');
}

/** A process and its ancestors in a scan of the process table. */
function ancestryOf(pid: number, table: ProcessTable): Set<number> {
  const chain = new Set<number>();
  for (let current: number | undefined = pid; current !== undefined && current > 1 && !chain.has(current); current = table.byPid.get(current)?.ppid) {
    chain.add(current);
  }
  return chain;
}

/** True while any process of the group exists, zombies and this process included: one system call. */
function groupExists(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== 'ESRCH';
  }
}

/**
 * True once the tree and the group have exited. The group's zombies (the agent among them)
 * wait for init to reap them, which some inits do only after a while: when the group
 * still exists, whether any of it runs is read from the process table.
 */
async function treeAndGroupExited(group: number, tree: PaneTree): Promise<boolean> {
  if (await anyRunning(tree.snapshot)) return false;
  return !groupExists(group) || !(await groupRunning(group));
}

let groupTable: { readonly at: number; readonly running: ReadonlyMap<number, readonly number[]> } | undefined;

/**
 * True while a process of the group other than this one runs (zombies aside). One scan of
 * the process table answers for every group and is shared for a moment by the sessions
 * ended at the same time; a scan per session and poll would swamp the machine.
 */
async function groupRunning(group: number): Promise<boolean> {
  if (groupTable === undefined || performance.now() - groupTable.at > GROUP_TABLE_REUSE_MS) {
    groupTable = { at: performance.now(), running: runningByGroup(await scanProcesses()) };
  }
  return (groupTable.running.get(group) ?? []).some((pid) => pid !== process.pid);
}

/**
 * Signals what is left of the group and of the tree. The group is not killed when this
 * process is inside it (self-fresh): its tree, which leaves this process out, is.
 */
async function signalRest(pane: PaneInfo, tree: PaneTree, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (signal === 'SIGTERM' || !tree.selfInside) signalGroup(pane.pid, signal);
  await signalAll(tree.snapshot, signal);
}
