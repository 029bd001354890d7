import { readdirSync, statSync } from 'node:fs';
import { uptime } from 'node:os';
import { type MarkerName, type Markers, assertStateRootSafe, readMarkers } from '../../registry/markers.js';
import { type PeerState, idleSeconds, peerState } from './peer-state.js';
import type { Activity, ActivityVerdict } from './activity.js';
import { type AgentEvent, sessionIdOf } from '../../transport/events/event-line.js';
import type { PeerRecord, Registry } from '../../registry/schema.js';
import { formatIdentity } from '../../core/names.js';
import { type Paths, socketPathOf, stateDirOf } from '../../core/paths.js';
import { isProcessAlive } from '../../core/process/process.js';
import { QueueStore } from '../../transport/queue/queue-store.js';
import { type TmuxCommand, askLivePaneSync } from '../../transport/tmux/socket-probe.js';
import { lastSessionIdSync } from './session-id.js';

export interface PeerStatus {
  readonly personality: string;
  readonly runtime: string;
  readonly identity: string;
  readonly state: PeerState;
  /** What it is doing (activity.ts); null unless live. */
  readonly activity: Activity | null;
  /** ISO 8601; null unless live. */
  readonly activitySince: string | null;
  /** The runtime's words while it needs input; null otherwise. */
  readonly attention: string | null;
  readonly idleSeconds: number | null;
  readonly pid: number | null;
  readonly alwaysOn: boolean;
  readonly description: string;
  /** Messages waiting in its queue (set-aside ones not counted). */
  readonly waiting: number;
  /** The runtime's session id of its current or last session (what a resume continues), if known. */
  readonly sessionId: string | null;
}

interface Probe {
  readonly live: boolean;
  readonly pid: number | null;
  readonly lastActivityMs: number | undefined;
  readonly lastOutputMs: number | undefined;
}

const DOWN: Probe = { live: false, pid: null, lastActivityMs: undefined, lastOutputMs: undefined };
const LIST_MARKERS = ['spawned', 'stopped', 'blocked'] as const;

interface ProbeInput {
  readonly paths: Paths;
  readonly tmux: TmuxCommand;
  readonly identity: string;
  readonly spawned: Markers['spawned'];
  readonly bootedAtMs: number;
}

/**
 * The pty's access and change times are the last input and output: the idle clock, which
 * starts no earlier than `sinceMs` (the spawn). The agent drawing its screen touches the
 * mtime, so that alone is the last output. Undefined when the pty is gone.
 */
export function ttyTimesOf(tty: string, sinceMs: number): { lastActivityMs: number; lastOutputMs: number } | undefined {
  const stat = statSync(tty, { throwIfNoEntry: false });
  return stat === undefined ? undefined : { lastActivityMs: Math.max(stat.atimeMs, stat.mtimeMs, sinceMs), lastOutputMs: Math.max(stat.mtimeMs, sinceMs) };
}

function liveProbe(pid: number, tty: string, sinceMs: number): Probe {
  const times = ttyTimesOf(tty, sinceMs);
  return times === undefined ? DOWN : { live: true, pid, ...times };
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

/** An identity's markers; one whose state cannot be read shows what its socket says. */
function markersOf(paths: Paths, identity: string, only: readonly MarkerName[] | undefined): Markers {
  try {
    return readMarkers(stateDirOf(paths, identity), only);
  } catch {
    return {};
  }
}

/** What one identity looks like now: its record, its marks, and whether its session is live. */
export interface IdentityObservation {
  readonly peer: PeerRecord;
  readonly runtime: string;
  readonly identity: string;
  readonly markers: Markers;
  /** A socket file is there (a server may or may not answer on it). */
  readonly socket: boolean;
  readonly live: boolean;
  readonly pid: number | null;
  readonly idleSeconds: number | null;
  /** The last output on its terminal; undefined unless live. */
  readonly lastOutputMs: number | undefined;
}

export interface FleetObservation {
  readonly identities: IdentityObservation[];
  /** Every name in the socket directory, registered or not. */
  readonly socketNames: readonly string[];
}

/**
 * Every registered identity, in registry order, with the markers asked for (all by
 * default). One identity's odd state (a file where its directory should be, an unreadable
 * marker) shows in its own entry, never fails the whole.
 */
export function observeFleet(
  paths: Paths,
  registry: Registry,
  now: Date,
  tmux: TmuxCommand,
  markerNames?: readonly MarkerName[],
): FleetObservation {
  // A state directory others can write is refused for the whole fleet, as everywhere.
  assertStateRootSafe(paths.stateRoot);
  const socketNames = readdirOrEmpty(paths.sockDir);
  const sockets = new Set(socketNames);
  // Uptime has whole-second precision at best: allow a few seconds around the boot.
  const bootedAtMs = now.getTime() - uptime() * 1000 - 5000;
  const identities = registry.peers.flatMap((peer) =>
    peer.runtimes.map((runtime) => {
      const identity = formatIdentity({ runtime, personality: peer.personality });
      const markers = markersOf(paths, identity, markerNames);
      const socket = sockets.has(identity);
      const probe = socket ? safeProbe({ paths, tmux, identity, spawned: markers.spawned, bootedAtMs }) : DOWN;
      return {
        peer,
        runtime,
        identity,
        markers,
        socket,
        live: probe.live,
        pid: probe.pid,
        idleSeconds: probe.lastActivityMs === undefined ? null : idleSeconds(probe.lastActivityMs, now.getTime()),
        lastOutputMs: probe.lastOutputMs,
      };
    }),
  );
  return { identities, socketNames };
}

/** What `list` shows for an observed identity: live, or what its marks say. */
export function stateOf(seen: Pick<IdentityObservation, 'live' | 'markers'>): PeerState {
  return peerState({ live: seen.live, stopped: seen.markers.stopped !== undefined, blocked: seen.markers.blocked !== undefined });
}

/** Every registered identity as `list` needs it, with its queue's depth. */
export function observeForList(paths: Paths, registry: Registry, now: Date, tmux: TmuxCommand): Array<{ seen: IdentityObservation; waiting: number }> {
  const waiting = new QueueStore(paths.queueDir).waitingSync();
  return observeFleet(paths, registry, now, tmux, LIST_MARKERS).identities.map((seen) => ({ seen, waiting: waiting.get(seen.identity) ?? 0 }));
}

/** What `list` says of an observed identity (`show` says the same); its activity is decided apart (fleet-status.ts). */
export function statusOf(
  seen: IdentityObservation,
  waiting: number,
  paths: Paths,
  activity: ActivityVerdict | null = null,
  /** The last session's events when the caller has read them already. */
  events?: readonly AgentEvent[],
): PeerStatus {
  const live = seen.live && activity !== null;
  return {
    personality: seen.peer.personality,
    runtime: seen.runtime,
    identity: seen.identity,
    state: stateOf(seen),
    activity: live ? activity.activity : null,
    activitySince: live ? new Date(activity.since).toISOString() : null,
    attention: live && activity.activity === 'needs-input' ? (activity.attention ?? '') : null,
    idleSeconds: seen.idleSeconds,
    pid: seen.pid,
    alwaysOn: seen.peer.alwaysOn,
    description: seen.peer.description,
    waiting,
    sessionId: events === undefined ? lastSessionIdSync(paths, seen.identity) : (sessionIdOf(events) ?? null),
  };
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
