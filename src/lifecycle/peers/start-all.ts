import { formatIdentity } from '../../core/names.js';
import { mapLimited } from '../../core/process/parallel.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { withSessions } from '../context/session-context.js';
import { observeFleet, stateOf } from '../sessions/observe-fleet.js';
import type { ServiceDeps } from '../services/service-setup.js';
import { type StartResult, startIdentity } from './start-peer.js';

export type StartAllResult =
  | { readonly identity: string; readonly outcome: 'started'; readonly start: StartResult }
  | { readonly identity: string; readonly outcome: 'live'; readonly pid: number | null }
  | { readonly identity: string; readonly outcome: 'left'; readonly state: 'stopped' | 'blocked' }
  | { readonly identity: string; readonly outcome: 'failed'; readonly error: Error };

/** Starts at once: each waits for its runtime to be ready, which is mostly waiting. */
const PARALLEL_STARTS = 8;

type Plan = { peer: PeerRecord; runtime: string } | Exclude<StartAllResult, { outcome: 'started' | 'failed' }>;

/**
 * `start --all`: every registered peer that is down is started as `start <peer>` starts it
 * (its first runtime; an always-on one through its service). A peer with a live runtime is
 * up already; one stopped or blocked is left so (it was stopped on purpose, or kept dying at
 * start-up): `start <peer>` lifts that. One that fails does not keep the others down.
 */
export async function startAll(ctx: AppContext, services: ServiceDeps = {}): Promise<StartAllResult[]> {
  const registry = readRegistry(ctx.paths.registry);
  const seen = observeFleet(ctx.paths, registry, ctx.now(), { bin: ctx.config.tmuxBin, env: ctx.childEnv }, ['spawned', 'stopped', 'blocked']).identities;
  const plans = registry.peers.map((peer): Plan => {
    const mine = seen.filter((one) => one.peer.personality === peer.personality);
    const live = mine.find((one) => one.live);
    if (live) return { identity: live.identity, outcome: 'live', pid: live.pid };
    const first = mine[0];
    const state = first === undefined ? 'down' : stateOf(first);
    if (first && (state === 'stopped' || state === 'blocked')) return { identity: first.identity, outcome: 'left', state };
    return { peer, runtime: peer.runtimes[0] as string };
  });
  if (!plans.some((plan) => 'peer' in plan)) return plans as StartAllResult[];
  const sctx = await withSessions(ctx);
  return mapLimited(plans, PARALLEL_STARTS, async (plan): Promise<StartAllResult> => {
    if (!('peer' in plan)) return plan;
    const identity = formatIdentity({ runtime: plan.runtime, personality: plan.peer.personality });
    try {
      return { identity, outcome: 'started', start: await startIdentity(sctx, plan.peer, plan.runtime, services) };
    } catch (error) {
      return { identity, outcome: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
    }
  });
}
