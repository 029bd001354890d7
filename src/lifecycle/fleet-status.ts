import { readdirSync, statSync } from 'node:fs';
import { uptime } from 'node:os';
import { type Markers, assertStateRootSafe, readMarkers } from '../registry/markers.js';
import { type PeerState, idleSeconds, peerState } from './peer-state.js';
import type { Registry } from '../registry/schema.js';
import { formatIdentity } from '../core/names.js';
import { type Paths, socketPathOf, stateDirOf } from '../core/paths.js';
import { isProcessAlive } from '../core/process.js';
import { type TmuxCommand, askLivePaneSync } from '../transport/socket-probe.js';

export interface PeerStatus {
  readonly personality: string;
  readonly runtime: string;
  readonly identity: string;
  readonly state: PeerState;
  readonly idleSeconds: number | null;
  readonly pid: number | null;
  readonly alwaysOn: boolean;
  readonly description: string;
}

interface Probe {
  readonly live: boolean;
  readonly pid: number | null;
  readonly lastActivityMs: number | undefined;
}

const DOWN: Probe = { live: false, pid: null, lastActivityMs: undefined };
const LIST_MARKERS = ['spawned', 'stopped', 'blocked'] as const;

interface ProbeInput {
  readonly paths: Paths;
  readonly tmux: TmuxCommand;
  readonly identity: string;
  readonly spawned: Markers['spawned'];
  readonly bootedAtMs: number;
}

/** The pty's access and change times are the last input and output: the idle clock. */
function liveProbe(pid: number, tty: string, sinceMs: number): Probe {
  const stat = statSync(tty, { throwIfNoEntry: false });
  if (!stat) return DOWN;
  return { live: true, pid, lastActivityMs: Math.max(stat.atimeMs, stat.mtimeMs, sinceMs) };
}

/**
 * Liveness without a tmux process per peer, from what was recorded at spawn since the
 * last boot: its server process is alive, the pane's process is alive, and its pty still
 * exists (tmux closes a dead pane's pty). A few system calls and no socket connection: a
 * connect() per peer cost more than all the rest of `list`. When the record cannot be
 * trusted for a socket that exists (missing, unreadable, or older than the socket: a
 * start that ended between spawning and recording), tmux is asked for that identity.
 */
function probeIdentity(input: ProbeInput): Probe {
  const socket = socketPathOf(input.paths, input.identity);
  const socketStat = statSync(socket, { throwIfNoEntry: false });
  if (!socketStat) return DOWN;
  const { spawned } = input;
  const recordedAt = spawned === undefined ? Number.NaN : Date.parse(spawned.at);
  if (spawned === undefined || !(recordedAt >= socketStat.mtimeMs - 1)) {
    const pane = askLivePaneSync(input.tmux, input.paths.home, socket, input.identity);
    return pane === undefined ? DOWN : liveProbe(pane.pid, pane.tty, socketStat.mtimeMs);
  }
  if (!isProcessAlive(spawned.serverPid) || !isProcessAlive(spawned.pid)) return DOWN;
  // After a reboot the recorded pids (and pty) may belong to something else entirely.
  if (recordedAt < input.bootedAtMs) return DOWN;
  return liveProbe(spawned.pid, spawned.tty, recordedAt);
}

/** The markers `list` needs; an identity whose state cannot be read shows what its socket says. */
function listMarkers(paths: Paths, identity: string): Markers {
  try {
    return readMarkers(stateDirOf(paths, identity), LIST_MARKERS);
  } catch {
    return {};
  }
}

/**
 * One row per (peer, runtime), in registry order. One identity's odd state (a file where
 * its directory should be, an unreadable marker) shows in its own row, never fails the list.
 */
export function fleetStatus(paths: Paths, registry: Registry, now: Date, tmux: TmuxCommand): PeerStatus[] {
  // A state directory others can write is refused for the whole fleet, as everywhere; one
  // identity's odd entry only shows in its own row.
  assertStateRootSafe(paths.stateRoot);
  const sockets = new Set(readdirOrEmpty(paths.sockDir));
  // Uptime has whole-second precision at best: allow a few seconds around the boot.
  const bootedAtMs = Date.now() - uptime() * 1000 - 5000;
  return registry.peers.flatMap((peer) =>
    peer.runtimes.map((runtime) => {
      const identity = formatIdentity({ runtime, personality: peer.personality });
      const markers = listMarkers(paths, identity);
      const probe = sockets.has(identity) ? safeProbe({ paths, tmux, identity, spawned: markers.spawned, bootedAtMs }) : DOWN;
      return {
        personality: peer.personality,
        runtime,
        identity,
        state: peerState({ live: probe.live, stopped: markers.stopped !== undefined, blocked: markers.blocked !== undefined }),
        idleSeconds: probe.lastActivityMs === undefined ? null : idleSeconds(probe.lastActivityMs, now.getTime()),
        pid: probe.pid,
        alwaysOn: peer.alwaysOn,
        description: peer.description,
      };
    }),
  );
}

function safeProbe(input: ProbeInput): Probe {
  try {
    return probeIdentity(input);
  } catch {
    return DOWN;
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
