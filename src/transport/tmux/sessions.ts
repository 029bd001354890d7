import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { SessionError, errnoCode } from '../../core/errors.js';
import { readRegularFile } from '../../core/fs/safe-fs.js';
import type { Paths } from '../../core/paths.js';
import { ensurePrivateDir, socketPathOf, stateDirOf } from '../../core/paths.js';
import { escapeControl } from '../../core/text/terminal-text.js';
import { pollUntil } from '../../core/process/process.js';
import { type ProcessTable, EXIT_POLL_MS, HANGUP_GRACE_MS, NO_TREE, ProcessScans, endGroup, treeIn } from './end-pane-tree.js';
import { endServer, removeStaleSocket } from './end-tmux-server.js';
import type { Liveness, PaneInfo } from './pane-liveness.js';
import { exitStatusOf, livenessOf, printed } from './pane-liveness.js';
import { probeSocket } from './socket-probe.js';
import * as args from './tmux-args.js';
import type { TmuxRunner } from './tmux-client.js';
import { isDuplicateSession, isNoServer, isNoSession } from './tmux-client.js';

const NO_SERVER = { state: 'no-server' } as const;

/** One look at the agent's pane: liveness, the screen as drawn, and the cursor on it (live panes only). */
export interface PaneLook {
  readonly liveness: Liveness;
  readonly screen: string;
  readonly cursor: args.Cursor | undefined;
}

export interface SpawnedPane {
  readonly pid: number;
  readonly tty: string;
  readonly serverPid: number;
}

const EXIT_STATUS_WAIT_MS = 300;

/** Where the runtime's wrapper writes its exit status (see newSessionArgs). */
const EXIT_FILE = 'exit-status';

/**
 * One tmux server per identity, each on its own socket in the socket directory, which
 * withSessions (the only maker of Sessions) has checked, and which is created on the first spawn.
 */
export class Sessions {
  private readonly scans = new ProcessScans();

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
   * Liveness, screen and cursor together, in one tmux call (the readiness gate and delivery
   * poll this). A dead pane's screen comes with a little history, as tmux's notice may have
   * scrolled its last words; it has no cursor.
   */
  async look(identity: string): Promise<PaneLook> {
    const result = await this.tmux.run(args.paneAndScreenArgs(this.server(identity), identity));
    if (!result.ok) return { liveness: this.failedLook(identity, result.stderr), screen: '', cursor: undefined };
    const { paneLine: lookLine, screen } = args.splitPaneAndScreen(result.stdout);
    const { paneLine, cursor } = args.splitLookLine(lookLine);
    const liveness = livenessOf(identity, paneLine);
    if (liveness.state !== 'dead-pane') return { liveness, screen, cursor: liveness.state === 'live' ? cursor : undefined };
    const lastWords = await this.tmux.run(args.lastWordsArgs(this.server(identity)));
    return { liveness: await exitStatusOf(liveness, this.exitFile(identity)), screen: lastWords.ok ? lastWords.stdout : screen, cursor: undefined };
  }

  /** Liveness and the pane's text without colours (see paneAndTextArgs), in one tmux call; for peek. */
  async text(identity: string, historyLines?: number): Promise<{ liveness: Liveness; text: string }> {
    const result = await this.tmux.run(args.paneAndTextArgs(this.server(identity), identity, historyLines));
    if (!result.ok) return { liveness: this.failedLook(identity, result.stderr), text: '' };
    const { paneLine, screen } = args.splitPaneAndScreen(result.stdout);
    return { liveness: await exitStatusOf(livenessOf(identity, paneLine), this.exitFile(identity)), text: screen };
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
    const scan = given?.state === 'live' || recorded !== undefined ? await this.scans.recent() : undefined;
    const confirmed = recorded === undefined || scan === undefined ? undefined : confirmRecord(recorded, scan);
    // No socket, no server iapeer can reach: a down peer is ended without starting a tmux client.
    const looked = given ?? confirmed ?? (existsSync(server.socket) ? await this.inspect(identity) : NO_SERVER);
    if (looked.state === 'no-server') {
      await removeStaleSocket(server.socket);
      return looked;
    }
    const pane = looked.state === 'no-session' ? undefined : looked.pane;
    // Before the hang-up: once the agent dies its children are reparented and lost to a search.
    const tree = looked.state === 'live' ? await treeIn(looked.pane.pid, scan ?? (await this.scans.recent())) : NO_TREE;
    await endServer(this.tmux, identity, server, pane);
    if (pane) await endGroup(pane, tree);
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

  private async expectOk(identity: string, what: string, argv: string[], input?: string): Promise<void> {
    const result = await this.tmux.run(argv, input === undefined ? {} : { input });
    if (!result.ok) {
      const reason = isNoServer(result.stderr) || isNoSession(result.stderr) ? 'it is not running' : result.stderr.trim();
      throw new SessionError(`cannot ${what} ${identity}: ${reason}`);
    }
  }
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
