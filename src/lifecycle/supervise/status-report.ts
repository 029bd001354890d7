import { readRegistry } from '../../registry/read-registry.js';
import type { AppContext } from '../context/app-context.js';
import { type DaemonStatus, readDaemonStatus } from './daemon-state.js';
import { fleetStatus } from '../sessions/fleet-status.js';
import type { Activity } from '../sessions/activity.js';
import { totalOf } from '../../transport/queue/queue-store.js';
import type { PeerState } from '../sessions/peer-state.js';
import type { PeerStatus } from '../sessions/observe-fleet.js';
import { messageOf } from '../../core/errors.js';

export interface StatusReport {
  readonly daemon: DaemonStatus;
  /**
   * The rows `list` shows and their counts per state and per activity, or why the registry
   * could not be read (`error`, for the caller to fail with).
   */
  readonly peers:
    | {
        readonly rows: readonly PeerStatus[];
        readonly counts: Record<PeerState, number>;
        readonly activity: Record<Activity, number>;
        readonly total: number;
      }
    | { readonly problem: string; readonly error: unknown };
  readonly queue: { readonly waiting: number; readonly setAside: number } | { readonly problem: string };
}

/** The daemon as `daemon.json` tells it, and the fleet and queue as they are now. */
export async function statusReport(ctx: AppContext): Promise<StatusReport> {
  return { daemon: readDaemonStatus(ctx.paths), peers: await peerCounts(ctx), queue: await queueCounts(ctx) };
}

/** Identities per state, and the live ones per activity. */
async function peerCounts(ctx: AppContext): Promise<StatusReport['peers']> {
  try {
    return countsOf(await fleetStatus(ctx, readRegistry(ctx.paths.registry)));
  } catch (error) {
    return { problem: messageOf(error), error };
  }
}

/** The rows with their counts per state, and the live ones' per activity. */
function countsOf(rows: readonly PeerStatus[]): StatusReport['peers'] {
  const counts: Record<PeerState, number> = { live: 0, down: 0, stopped: 0, blocked: 0 };
  const activity: Record<Activity, number> = { busy: 0, idle: 0, 'needs-input': 0, unknown: 0 };
  for (const row of rows) {
    counts[row.state] += 1;
    if (row.activity !== null) activity[row.activity] += 1;
  }
  return { rows, counts, activity, total: rows.length };
}

async function queueCounts(ctx: AppContext): Promise<StatusReport['queue']> {
  const store = ctx.queue;
  try {
    return { waiting: totalOf(await store.depths()), setAside: totalOf(await store.depths({ setAside: true })) };
  } catch (error) {
    return { problem: messageOf(error) };
  }
}
