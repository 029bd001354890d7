import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import { SessionError, errnoCode } from '../core/errors.js';
import type { Paths } from '../core/paths.js';
import { socketPathOf } from '../core/paths.js';
import { isGroupRunning, isProcessRunning, pollUntil, signalGroup } from '../core/process.js';
import { uniqueSuffix } from '../core/unique-name.js';
import { probeSocket } from './socket-probe.js';
import * as args from './tmux-args.js';
import type { TmuxRunner } from './tmux-client.js';
import { isDuplicateSession, isNoServer, isNoSession } from './tmux-client.js';

export interface PaneInfo {
  readonly pid: number;
  readonly dead: boolean;
  readonly exitStatus: number | undefined;
  readonly tty: string;
  readonly inMode: boolean;
  readonly serverPid: number;
}

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
const EXIT_STATUS_WAIT_MS = 300;

/** A death by signal N is reported as 128 + N, as shells do. */
function exitStatusOf(status: string | undefined, signal: string | undefined): number | undefined {
  if (status !== undefined && /^\d+$/.test(status)) return Number(status);
  if (signal !== undefined && /^\d+$/.test(signal)) return 128 + Number(signal);
  return undefined;
}

function parsePane(line: string): PaneInfo | undefined {
  const [pid, dead, status, tty, inMode, serverPid, signal] = line.split('\t');
  const pidNumber = Number(pid);
  if (!Number.isInteger(pidNumber) || pidNumber <= 0) return undefined;
  return {
    pid: pidNumber,
    dead: dead === '1',
    exitStatus: exitStatusOf(status, signal),
    tty: tty ?? '',
    inMode: inMode === '1',
    serverPid: Number(serverPid),
  };
}

function livenessOf(paneLine: string): Liveness {
  const pane = parsePane(paneLine);
  if (!pane) return { state: 'no-session' };
  return pane.dead ? { state: 'dead-pane', pane } : { state: 'live', pane };
}

/**
 * One tmux server per identity, each on its own socket in the socket directory, which
 * withSessions (the only maker of Sessions) has created and checked beforehand.
 */
export class Sessions {
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
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current !== args.TMUX_CONFIG) await writeFileAtomic(file, args.TMUX_CONFIG, { mode: 0o600 });
  }

  /** Starts the identity's server and session; `undefined` if another caller created it first. */
  async spawn(spec: args.NewSessionSpec): Promise<SpawnedPane | undefined> {
    const server = this.server(spec.identity);
    await this.writeConfig(server.configFile);
    const result = await this.tmux.run(args.newSessionArgs(server, spec));
    if (!result.ok) {
      if (isDuplicateSession(result.stderr)) return undefined;
      throw new SessionError(`tmux could not start ${spec.identity}: ${result.stderr.trim() || 'no reason given'}`);
    }
    const [pid, tty, serverPid] = result.stdout.trim().split('\t');
    return { pid: Number(pid), tty: tty ?? '', serverPid: Number(serverPid) };
  }

  async inspect(identity: string): Promise<Liveness> {
    const result = await this.tmux.run(args.listPanesArgs(this.server(identity), identity));
    if (!result.ok) return this.failedLook(identity, result.stderr);
    return livenessOf(result.stdout.split('\n')[0] ?? '');
  }

  /** Liveness and screen together, in one tmux call (the readiness gate polls this). */
  async look(identity: string): Promise<{ liveness: Liveness; screen: string }> {
    const result = await this.tmux.run(args.paneAndScreenArgs(this.server(identity), identity));
    if (!result.ok) return { liveness: this.failedLook(identity, result.stderr), screen: '' };
    const newline = result.stdout.indexOf('\n');
    const paneLine = newline === -1 ? result.stdout : result.stdout.slice(0, newline);
    return { liveness: livenessOf(paneLine), screen: newline === -1 ? '' : result.stdout.slice(newline + 1) };
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

  /** Pastes text as one bracketed paste into the agent's pane; submitting it is a separate step. */
  async paste(identity: string, text: string): Promise<void> {
    const server = this.server(identity);
    const buffer = `iapeer-${uniqueSuffix()}`;
    await this.expectOk(identity, 'load a buffer for', args.loadBufferArgs(server, buffer), text);
    await this.expectOk(identity, 'paste into', args.pasteBufferArgs(server, buffer));
  }

  async attach(identity: string): Promise<number> {
    return this.tmux.interactive(args.attachArgs(this.server(identity), identity));
  }

  /**
   * Ends the identity's server and makes sure nothing is left: the agent is hung up, then
   * terminated, then killed; processes of its group that outlive the hang-up are ended too;
   * the socket is removed once no server answers on it.
   */
  async kill(identity: string, known?: PaneInfo): Promise<void> {
    const server = this.server(identity);
    const pane = known ?? (await this.paneOf(identity));
    const killed = await this.tmux.run(args.killServerArgs(server));
    if (!killed.ok && !isNoServer(killed.stderr)) {
      throw new SessionError(`tmux could not end ${identity}: ${killed.stderr.trim()}`);
    }
    if (pane) await this.endGroup(pane);
    // The server stops listening at once but exits (and reaps the pane) a moment later;
    // tmux never unlinks its socket, so a new server may take the path straight away.
    if (!(await pollUntil(async () => !(await probeSocket(server.socket)), HANGUP_GRACE_MS))) {
      throw new SessionError(`the tmux server of ${identity} still answers on ${server.socket} after kill-server; its socket was left in place`);
    }
    await rm(server.socket, { force: true }).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
  }

  /** The agent's process group (the agent leads it): waits out the hang-up, then TERM, then KILL. */
  private async endGroup(pane: PaneInfo): Promise<void> {
    const agentExited = async () => !(await isProcessRunning(pane.pid));
    const groupExited = async () => !(await isGroupRunning(pane.pid));
    const agentGone = pane.dead || (await pollUntil(agentExited, HANGUP_GRACE_MS));
    if (agentGone && (await groupExited())) return;
    signalGroup(pane.pid, 'SIGTERM');
    if (!(await pollUntil(groupExited, TERM_GRACE_MS, 50))) signalGroup(pane.pid, 'SIGKILL');
  }

  private async paneOf(identity: string): Promise<PaneInfo | undefined> {
    const liveness = await this.inspect(identity);
    return liveness.state === 'live' || liveness.state === 'dead-pane' ? liveness.pane : undefined;
  }

  private async expectOk(identity: string, what: string, argv: string[], input?: string): Promise<void> {
    const result = await this.tmux.run(argv, input === undefined ? {} : { input });
    if (!result.ok) {
      const reason = isNoServer(result.stderr) || isNoSession(result.stderr) ? 'it is not running' : result.stderr.trim();
      throw new SessionError(`cannot ${what} ${identity}: ${reason}`);
    }
  }
}
