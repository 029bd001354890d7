import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Markers, readMarkers } from '../lifecycle/markers.js';
import { type PeerState, idleSeconds, peerState } from '../lifecycle/peer-state.js';
import type { Registry } from '../registry/schema.js';
import { probeSocket } from '../transport/socket-probe.js';
import { formatIdentity } from './names.js';
import { type Paths, stateDirOf } from './paths.js';
import { isProcessAlive } from './process.js';

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

/**
 * Liveness without a tmux process per peer: the server answers on its socket, the
 * pane's process (recorded at spawn) is alive, and its pty still exists (tmux closes
 * a dead pane's pty). The pty's access and change times are the last input and output,
 * which is the idle clock. One connect() and two stats per live peer, all in parallel.
 */
async function probeIdentity(socket: string, markers: Markers): Promise<Probe> {
  const spawned = markers.spawned;
  if (!spawned || !isProcessAlive(spawned.pid)) return DOWN;
  const [answers, tty] = await Promise.all([probeSocket(socket), stat(spawned.tty).catch(() => undefined)]);
  if (!answers || !tty) return DOWN;
  return { live: true, pid: spawned.pid, lastActivityMs: Math.max(tty.atimeMs, tty.mtimeMs, Date.parse(spawned.at)) };
}

export async function fleetStatus(paths: Paths, registry: Registry, now: Date): Promise<PeerStatus[]> {
  const sockets = new Set(await readdir(paths.sockDir).catch(() => [] as string[]));
  const rows = registry.peers.flatMap((peer) =>
    peer.runtimes.map((runtime) => ({ peer, runtime, identity: formatIdentity({ runtime, personality: peer.personality }) })),
  );
  return Promise.all(
    rows.map(async ({ peer, runtime, identity }) => {
      const markers = await readMarkers(stateDirOf(paths, identity));
      const probe = sockets.has(identity) ? await probeIdentity(join(paths.sockDir, identity), markers) : DOWN;
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
