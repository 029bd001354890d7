import { readRegistry } from '../../registry/read-registry.js';
import type { AppContext } from '../context/app-context.js';
import { type DaemonStatus, readDaemonStatus } from './daemon-state.js';
import { fleetStatus } from '../sessions/observe-fleet.js';
import { totalOf } from '../../transport/queue/queue-store.js';
import type { PeerState } from '../sessions/peer-state.js';
import { messageOf } from '../../core/errors.js';

export interface StatusReport {
  readonly daemon: DaemonStatus;
  /** Identities per state, or why the registry could not be read (`error`, for the caller to fail with). */
  readonly peers: { readonly counts: Record<PeerState, number>; readonly total: number } | { readonly problem: string; readonly error: unknown };
  readonly queue: { readonly waiting: number; readonly setAside: number } | { readonly problem: string };
}

/** The daemon as `daemon.json` tells it, and the fleet and queue as they are now. */
export async function statusReport(ctx: AppContext): Promise<StatusReport> {
  return { daemon: readDaemonStatus(ctx.paths), peers: peerCounts(ctx), queue: await queueCounts(ctx) };
}

function peerCounts(ctx: AppContext): StatusReport['peers'] {
  try {
    const rows = fleetStatus(ctx.paths, readRegistry(ctx.paths.registry), ctx.now(), { bin: ctx.config.tmuxBin, env: ctx.childEnv });
    const counts: Record<PeerState, number> = { live: 0, down: 0, stopped: 0, blocked: 0 };
    for (const row of rows) counts[row.state] += 1;
    return { counts, total: rows.length };
  } catch (error) {
    return { problem: messageOf(error), error };
  }
}

async function queueCounts(ctx: AppContext): Promise<StatusReport['queue']> {
  const store = ctx.queue;
  try {
    return { waiting: totalOf(await store.depths()), setAside: totalOf(await store.depths({ setAside: true })) };
  } catch (error) {
    return { problem: messageOf(error) };
  }
}
