// Ending a process tree with real processes: a child that left the group with setsid
// is still found and ended, and a pid whose start time changed is left alone.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { findExecutable, pollUntil } from '../../../../src/core/process/process.js';
import {
  anyRunning,
  listDescendants,
  scanWithPs,
  signalAll,
  snapshotTree,
  type TreeSnapshot,
} from '../../../../src/core/process/process-tree.js';

const HAS_PROC = existsSync('/proc/self/stat');
const DEADLINE_MS = 30_000;

const roots: number[] = [];

/** Kills each root's tree, found afresh, and its group, whatever state the test left them in. */
afterEach(async () => {
  for (const root of roots.splice(0)) {
    const tree = await snapshotTree(root);
    await signalAll(tree, 'SIGKILL');
    try {
      process.kill(-root, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
});

/** Starts a shell in its own process group, as tmux starts a pane's agent. */
function startRoot(script: string): number {
  const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('bash did not start');
  child.unref();
  roots.push(child.pid);
  return child.pid;
}

/** `setsid` is util-linux; macOS has none, but perl's POSIX::setsid does the same before exec. */
async function setsidCommand(): Promise<string> {
  if ((await findExecutable('setsid', process.env.PATH)) !== undefined) return 'setsid sleep 300';
  return `perl -MPOSIX -e 'POSIX::setsid(); exec "sleep", "300"'`;
}

/** The session of a process on Linux, or its group elsewhere: setsid changes both. */
function sessionOf(pid: number): string {
  if (!HAS_PROC) return execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3] ?? '';
}

/** Pids of the tree outside the root's session. */
function escapedFrom(tree: TreeSnapshot, root: number): number[] {
  const rootSession = sessionOf(root);
  return tree.pids.filter((pid) => pid !== root && sessionOf(pid) !== rootSession);
}

/** Polls until the tree of `root` is complete by `ready`, since bash forks and setsid runs after the spawn. */
async function treeOf(root: number, ready: (tree: TreeSnapshot) => boolean): Promise<TreeSnapshot> {
  let tree: TreeSnapshot = { pids: [], startTimes: new Map() };
  const grown = await pollUntil(async () => {
    tree = await snapshotTree(root);
    return ready(tree);
  }, DEADLINE_MS);
  expect(grown, `tree of ${root} never became complete: ${tree.pids.join(' ')}`).toBe(true);
  return tree;
}

describe('process tree', () => {
  it('finds and ends a descendant that left the group with setsid', async () => {
    const root = startRoot(`${await setsidCommand()} & sleep 300 & wait`);
    const tree = await treeOf(root, (candidate) => candidate.pids.length === 3 && escapedFrom(candidate, root).length === 1);
    expect(tree.pids[0]).toBe(root);

    // The ps fallback, used where there is no /proc, sees the same tree.
    expect((await listDescendants(root, scanWithPs)).sort()).toEqual(tree.pids.slice(1).sort());

    const signalled = await signalAll(tree, 'SIGTERM');
    expect(signalled.sort()).toEqual([...tree.pids].sort());
    expect(await pollUntil(async () => !(await anyRunning(tree)), DEADLINE_MS)).toBe(true);
  });

  it.skipIf(!HAS_PROC)('does not signal a pid whose start time no longer matches', async () => {
    const root = startRoot('sleep 300 & wait');
    const tree = await treeOf(root, (candidate) => candidate.pids.length === 2);
    const sleeper = tree.pids[1] ?? 0;

    const forgedStart = String(Number(tree.startTimes.get(sleeper)) + 1);
    const reused: TreeSnapshot = { pids: [sleeper], startTimes: new Map([[sleeper, forgedStart]]) };
    expect(await signalAll(reused, 'SIGTERM')).toEqual([]);
    expect(await anyRunning(reused)).toBe(false);

    // The genuine record still reaches it, so the guard was what held the signal back.
    const genuine: TreeSnapshot = { pids: [sleeper], startTimes: tree.startTimes };
    expect(await anyRunning(genuine)).toBe(true);
    expect(await signalAll(genuine, 'SIGTERM')).toEqual([sleeper]);
    expect(await pollUntil(async () => !(await anyRunning(genuine)), DEADLINE_MS)).toBe(true);
  });
});
