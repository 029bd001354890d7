import { readdirSync, statSync } from 'node:fs';
import { uptime } from 'node:os';
import { type Markers, readMarkers } from '../registry/markers.js';
import { type PeerState, idleSeconds, peerState } from './peer-state.js';
import type { Registry } from '../registry/schema.js';
import { formatIdentity } from '../core/names.js';
import { type Paths, stateDirOf } from '../core/paths.js';
import { isProcessAlive } from '../core/process.js';

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

/**
 * Liveness without a tmux process per peer, from what was recorded at spawn since the
 * last boot: the socket is there and its server process is alive, the pane's process is
 * alive, and its pty still exists (tmux closes a dead pane's pty). Three system calls and
 * no socket connection: a connect() per peer cost more than all the rest of `list`.
 * The pty's access and change times are the last input and output: the idle clock.
 */
function probeIdentity(hasSocket: boolean, markers: Markers, bootedAtMs: number): Probe {
  const spawned = markers.spawned;
  if (!hasSocket || !spawned || !isProcessAlive(spawned.serverPid) || !isProcessAlive(spawned.pid)) return DOWN;
  // After a reboot the recorded pids (and pty) may belong to something else entirely.
  if (Date.parse(spawned.at) < bootedAtMs) return DOWN;
  const tty = statSync(spawned.tty, { throwIfNoEntry: false });
  if (!tty) return DOWN;
  return { live: true, pid: spawned.pid, lastActivityMs: Math.max(tty.atimeMs, tty.mtimeMs, Date.parse(spawned.at)) };
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** One row per (peer, runtime), in registry order. */
export function fleetStatus(paths: Paths, registry: Registry, now: Date): PeerStatus[] {
  const sockets = new Set(readdirOrEmpty(paths.sockDir));
  // Uptime has whole-second precision at best: allow a few seconds around the boot.
  const bootedAtMs = Date.now() - uptime() * 1000 - 5000;
  return registry.peers.flatMap((peer) =>
    peer.runtimes.map((runtime) => {
      const identity = formatIdentity({ runtime, personality: peer.personality });
      const markers = readMarkers(stateDirOf(paths, identity), LIST_MARKERS);
      const probe = probeIdentity(sockets.has(identity), markers, bootedAtMs);
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
