import { existsSync, lstatSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { SessionError, errnoCode } from '../../core/errors.js';
import { readRegularFile } from '../../core/fs/safe-fs.js';
import type { Paths } from '../../core/paths.js';
import { ensurePrivateDir, socketPathOf, stateDirOf } from '../../core/paths.js';
import { escapeControl } from '../../core/text/terminal-text.js';
import { isProcessRunning, pollUntil, signalGroup } from '../../core/process/process.js';
import { type ProcessEntry, type TreeSnapshot, anyRunning, runningByGroup, scanProcesses, signalAll, snapshotTree } from '../../core/process/process-tree.js';
import { probeSocket } from './socket-probe.js';
import * as args from './tmux-args.js';
import type { TmuxRunner } from './tmux-client.js';
import { isDuplicateSession, isNoServer, isNoSession } from './tmux-client.js';

export type PaneInfo = args.PaneFields;

const NO_SERVER = { state: 'no-server' } as const;

/**
 * What tmux says of one identity's server. `live` is the contract's: the server answers,
 * the session exists, and the agent's pane is there and not dead.
 */
export type Liveness =
  | { readonly state: 'no-server' }
  | { readonly state: 'no-session' }
  | { readonly state: 'live'; readonly pane: PaneInfo }
  | { readonly state: 'dead-pane'; readonly pane: PaneInfo };

export interface SpawnedPane {
  readonly pid: number;
  readonly tty: string;
  readonly serverPid: number;
}

/** Grace periods when ending a session: hang-up first, then TERM, then KILL. */
const HANGUP_GRACE_MS = 3000;
const TERM_GRACE_MS = 2000;
/** Most agents exit within milliseconds of the hang-up: look often, wait no longer than needed. */
const EXIT_POLL_MS = 10;
/** How long one read of the process groups stands for a fresh one, while sessions end together. */
const GROUP_TABLE_REUSE_MS = 50;
/**
 * A scan this recent stands for a fresh one. A process forked since is missed, as one
 * forked between any scan and the hang-up would be: agents fork seldom, stops are at once.
 */
const SCAN_REUSE_MS = 250;
const EXIT_STATUS_WAIT_MS = 300;

/** Where the runtime's wrapper writes its exit status (see newSessionArgs). */
const EXIT_FILE = 'exit-status';

/** What tmux printed, quoted and cut short, for an error message. */
function printed(text: string): string {
  const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(escapeControl(cut));
}

/** A line that is not what was asked for is an error, never read as "dead" or "not live". */
function parsePane(identity: string, line: string): PaneInfo {
  const pane = args.parsePaneLine(line);
  if (!pane) throw new SessionError(`tmux printed ${printed(line)} for ${identity}, not the pane line asked for; check that tmux -V says 3.2 or later`);
  return pane;
}

/** No line at all means the session exists without the agent's pane (see listPanesArgs). */
function livenessOf(identity: string, paneLine: string): Liveness {
  if (paneLine === '') return { state: 'no-session' };
  const pane = parsePane(identity, paneLine);
  return pane.dead ? { state: 'dead-pane', pane } : { state: 'live', pane };
}

/** The wrapper's record, when tmux did not record a dead pane's status (tmux 3.3 sometimes does not). */
async function exitStatusOf(liveness: Liveness, exitFile: string): Promise<Liveness> {
  if (liveness.state !== 'dead-pane' || liveness.pane.exitStatus !== undefined) return liveness;
  const text = await readFile(exitFile, 'utf8').catch(() => '');
  const status = /^\d{1,3}\n?$/.test(text) ? Number(text.trim()) : undefined;
  return status === undefined ? liveness : { state: 'dead-pane', pane: { ...liveness.pane, exitStatus: status } };
}

/**
 * One tmux server per identity, each on its own socket in the socket directory, which
 * withSessions (the only maker of Sessions) has checked, and which is created on the first spawn.
 */
export class Sessions {
  /** The latest scan of the process table, shared by sessions ended at the same time. */
  private scan: { readonly startedAt: number; readonly table: Promise<ProcessTable> } | undefined;

  constructor(
    private readonly tmux: TmuxRunner,
    private readonly paths: Paths,
  ) {}

  private server(identity: string): args.Server {
    return { socket: socketPathOf(this.paths, identity), configFile: join(this.paths.home, 'tmux.conf') };
  }

  socketOf(identity: string): string {
    return socketPathOf(this.paths, identity);
  }

  private async writeConfig(file: string): Promise<void> {
    const current = await readRegularFile(file, 'tmux config').catch(() => undefined);
    if (current !== args.TMUX_CONFIG) await writeFileAtomic(file, args.TMUX_CONFIG, { mode: 0o600 });
  }

  /** Starts the identity's server and session; `undefined` if another caller created it first. */
  async spawn(spec: args.NewSessionSpec): Promise<SpawnedPane | undefined> {
    const server = this.server(spec.identity);
    await this.writeConfig(server.configFile);
    const stateDir = stateDirOf(this.paths, spec.identity);
    await ensurePrivateDir(stateDir, 'state directory');
    const exitFile = join(stateDir, EXIT_FILE);
    await rm(exitFile, { force: true });
    const result = await this.tmux.run(args.newSessionArgs(server, spec, exitFile));
    if (!result.ok) {
      if (isDuplicateSession(result.stderr)) return undefined;
      throw new SessionError(`tmux could not start ${spec.identity}: ${result.stderr.trim() || 'no reason given'}`);
    }
    const spawned = args.parseSpawnLine(result.stdout.trim());
    if (!spawned) throw new SessionError(`tmux started ${spec.identity} but printed ${printed(result.stdout)} instead of its pane; end it with: iapeer stop`);
    return spawned;
  }

  private exitFile(identity: string): string {
    return join(stateDirOf(this.paths, identity), EXIT_FILE);
  }

  async inspect(identity: string): Promise<Liveness> {
    const result = await this.tmux.run(args.listPanesArgs(this.server(identity), identity));
    if (!result.ok) return this.failedLook(identity, result.stderr);
    return exitStatusOf(livenessOf(identity, result.stdout.split('\n')[0] ?? ''), this.exitFile(identity));
  }

  /**
   * Liveness and screen together, in one tmux call (the readiness gate polls this). A dead
   * pane's screen comes with a little history, as tmux's notice may have scrolled its last words.
   */
  async look(identity: string): Promise<{ liveness: Liveness; screen: string }> {
    const result = await this.tmux.run(args.paneAndScreenArgs(this.server(identity), identity));
    if (!result.ok) return { liveness: this.failedLook(identity, result.stderr), screen: '' };
    const newline = result.stdout.indexOf('\n');
    const paneLine = newline === -1 ? result.stdout : result.stdout.slice(0, newline);
    const liveness = livenessOf(identity, paneLine);
    const screen = newline === -1 ? '' : result.stdout.slice(newline + 1);
    if (liveness.state !== 'dead-pane') return { liveness, screen };
    const lastWords = await this.tmux.run(args.lastWordsArgs(this.server(identity)));
    return { liveness: await exitStatusOf(liveness, this.exitFile(identity)), screen: lastWords.ok ? lastWords.stdout : screen };
  }

  private failedLook(identity: string, stderr: string): Liveness {
    if (isNoServer(stderr)) return { state: 'no-server' };
    if (isNoSession(stderr)) return { state: 'no-session' };
    throw new SessionError(`tmux could not inspect ${identity}: ${stderr.trim()}`);
  }

  /**
   * A pane can read as dead (its pty closed) before tmux has collected the exit status;
   * wait briefly for it. tmux 3.3 sometimes never records it (when the pty closes before
   * the child is reaped), so the status is best effort.
   */
  async settleDeadPane(identity: string, seen: Liveness): Promise<Liveness> {
    let current = seen;
    const deadline = Date.now() + EXIT_STATUS_WAIT_MS;
    while (current.state === 'dead-pane' && current.pane.exitStatus === undefined && Date.now() < deadline) {
      await sleep(20);
      current = await this.inspect(identity);
    }
    return current;
  }

  async sendKey(identity: string, key: string): Promise<void> {
    await this.expectOk(identity, 'send a key to', args.sendKeyArgs(this.server(identity), key));
  }

  async typeText(identity: string, text: string): Promise<void> {
    await this.expectOk(identity, 'type into', args.sendLiteralArgs(this.server(identity), text));
  }

  /** Leaves copy mode (or any mode) so that keys reach the program, not the mode. */
  async leaveMode(identity: string, pane: PaneInfo): Promise<void> {
    if (pane.inMode) await this.tmux.run(args.cancelModeArgs(this.server(identity)));
  }

  /** Loads text into the named paste buffer of the identity's server (replacing one of that name). */
  async loadBuffer(identity: string, buffer: string, text: string): Promise<void> {
    await this.expectOk(identity, 'load a buffer for', args.loadBufferArgs(this.server(identity), buffer), text);
  }

  /**
   * Pastes the named buffer into the agent's pane as one bracketed paste and deletes it, in
   * one tmux command; false when there is no such buffer (it was pasted already).
   */
  async pasteBuffer(identity: string, buffer: string): Promise<boolean> {
    const result = await this.tmux.run(args.pasteBufferArgs(this.server(identity), buffer));
    if (result.ok) return true;
    if (/^no buffer /m.test(result.stderr)) return false;
    throw new SessionError(`cannot paste into ${identity}: ${escapeControl(result.stderr.trim())}`);
  }

  async attach(identity: string): Promise<number> {
    return this.tmux.interactive(args.attachArgs(this.server(identity), identity));
  }

  /**
   * Ends the identity's server and makes sure nothing is left: the agent is hung up, then
   * terminated, then killed, and so is every process of its group and of its tree (see
   * endGroup); the socket is removed once no server answers on it. Returns what was there.
   * `seen` is what the caller knows already: what tmux said, or what was recorded at spawn,
   * which is trusted only when the process table confirms it (the pane's process is a
   * running child of the recorded server). That spares a tmux client per session, which
   * is most of the cost of ending many at once.
   */
  async kill(identity: string, seen?: Liveness | SpawnedPane): Promise<Liveness> {
    const server = this.server(identity);
    const given = seen !== undefined && 'state' in seen ? seen : undefined;
    const recorded = seen !== undefined && !('state' in seen) ? seen : undefined;
    const scan = given?.state === 'live' || recorded !== undefined ? await this.recentScan() : undefined;
    const confirmed = recorded === undefined || scan === undefined ? undefined : confirmRecord(recorded, scan);
    // No socket, no server iapeer can reach: a down peer is ended without starting a tmux client.
    const looked = given ?? confirmed ?? (existsSync(server.socket) ? await this.inspect(identity) : NO_SERVER);
    if (looked.state === 'no-server') {
      await this.removeStaleSocket(server.socket);
      return looked;
    }
    const pane = looked.state === 'no-session' ? undefined : looked.pane;
    // Before the hang-up: once the agent dies its children are reparented and lost to a search.
    const tree = looked.state === 'live' ? await treeIn(looked.pane.pid, scan ?? (await this.recentScan())) : NO_TREE;
    await this.endServer(identity, server, pane);
    if (pane) await this.endGroup(pane, tree);
    // The server stops listening at once but exits (and reaps the pane) a moment later;
    // tmux never unlinks its socket, so a new server may take the path straight away.
    if (!(await pollUntil(async () => !(await probeSocket(server.socket)), HANGUP_GRACE_MS, EXIT_POLL_MS))) {
      // A server the record did not know of holds the socket: end it as tmux tells.
      if (confirmed !== undefined) return this.kill(identity);
      throw new SessionError(`the tmux server of ${identity} still answers on ${server.socket} after kill-server; its socket was left in place`);
    }
    await rm(server.socket, { force: true }).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
    return looked;
  }

  /** A server killed outright (SIGKILL) leaves its socket behind: remove it once nothing answers there. */
  private async removeStaleSocket(socket: string): Promise<void> {
    if (lstatSync(socket, { throwIfNoEntry: false })?.isSocket() !== true || (await probeSocket(socket))) return;
    await rm(socket, { force: true });
  }

  /**
   * tmux's kill-server is the server sending itself SIGTERM; with the server's pid known,
   * sending it from here does the same without starting a tmux client.
   */
  private async endServer(identity: string, server: args.Server, pane: PaneInfo | undefined): Promise<void> {
    if (pane !== undefined && Number.isInteger(pane.serverPid) && pane.serverPid > 1) {
      try {
        process.kill(pane.serverPid, 'SIGTERM');
      } catch (error) {
        if (errnoCode(error) !== 'ESRCH') throw error;
      }
      return;
    }
    const killed = await this.tmux.run(args.killServerArgs(server));
    if (!killed.ok && !isNoServer(killed.stderr)) {
      throw new SessionError(`tmux could not end ${identity}: ${killed.stderr.trim()}`);
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
  private async endGroup(pane: PaneInfo, tree: PaneTree): Promise<void> {
    const agentExited = async () => !(await isProcessRunning(pane.pid));
    const allExited = () => treeAndGroupExited(pane.pid, tree);
    const agentGone = pane.dead || (await pollUntil(agentExited, HANGUP_GRACE_MS, EXIT_POLL_MS));
    if (agentGone && (await allExited())) return;
    await signalRest(pane, tree, 'SIGTERM');
    if (await pollUntil(allExited, TERM_GRACE_MS, EXIT_POLL_MS)) return;
    await signalRest(pane, tree, 'SIGKILL');
  }

  /**
   * The process table, shared by sessions ended at the same time: a scan per session
   * would swamp the machine.
   */
  private recentScan(): Promise<ProcessTable> {
    if (this.scan === undefined || performance.now() - this.scan.startedAt > SCAN_REUSE_MS) {
      this.scan = {
        startedAt: performance.now(),
        table: scanProcesses().then((entries) => ({ entries, byPid: new Map(entries.map((entry) => [entry.pid, entry])) })),
      };
    }
    return this.scan.table;
  }

  private async expectOk(identity: string, what: string, argv: string[], input?: string): Promise<void> {
    const result = await this.tmux.run(argv, input === undefined ? {} : { input });
    if (!result.ok) {
      const reason = isNoServer(result.stderr) || isNoSession(result.stderr) ? 'it is not running' : result.stderr.trim();
      throw new SessionError(`cannot ${what} ${identity}: ${reason}`);
    }
  }
}

/** One scan of the process table, with each process by its pid. */
interface ProcessTable {
  readonly entries: readonly ProcessEntry[];
  readonly byPid: ReadonlyMap<number, ProcessEntry>;
}

/** A pane's process tree as seen before its hang-up; `selfInside` when this process is in it. */
interface PaneTree {
  readonly snapshot: TreeSnapshot;
  readonly selfInside: boolean;
}

const NO_TREE: PaneTree = { snapshot: { pids: [], startTimes: new Map() }, selfInside: false };

/**
 * The pane's process tree in a scan, less this process and its ancestors: `self-fresh`
 * runs inside the session it ends and has to outlive it to remove the socket.
 */
async function treeIn(pid: number, table: ProcessTable): Promise<PaneTree> {
  const snapshot = await snapshotTree(pid, () => Promise.resolve([...table.entries]));
  const mine = ancestryOf(process.pid, table);
  return {
    snapshot: { pids: snapshot.pids.filter((member) => !mine.has(member)), startTimes: snapshot.startTimes },
    selfInside: mine.has(pid),
  };
}

/** A live pane as recorded at spawn, when the scan shows its process running as a child of the recorded server. */
function confirmRecord(recorded: SpawnedPane, table: ProcessTable): Liveness | undefined {
  const agent = table.byPid.get(recorded.pid);
  const server = table.byPid.get(recorded.serverPid);
  if (agent === undefined || server === undefined || agent.zombie || server.zombie || agent.ppid !== server.pid) return undefined;
  return {
    state: 'live',
    pane: { pid: recorded.pid, dead: false, exitStatus: undefined, tty: recorded.tty, inMode: false, serverPid: recorded.serverPid },
  };
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
