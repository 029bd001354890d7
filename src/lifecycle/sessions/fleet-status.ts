import { formatIdentity } from '../../core/names.js';
import { eventsFileOf } from '../../core/paths.js';
import type { AgentEvent } from '../../transport/events/event-line.js';
import { readSessionEventsSync } from '../../transport/events/agent-events.js';
import { type PeerRecord, type Registry, emptyRegistry } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import type { ActivityVerdict } from './activity.js';
import { noteAttention } from './attention.js';
import { type ScreenLooker, observeActivity, screenLooker } from './observe-activity.js';
import { type IdentityObservation, type PeerStatus, observeFleet, observeForList, statusOf } from './observe-fleet.js';

/** A live identity's activity (null when it is not live), its attention episode noted on the way. */
export async function activityOf(
  ctx: AppContext,
  seen: IdentityObservation,
  nowMs: number,
  looker: ScreenLooker,
  events?: readonly AgentEvent[],
): Promise<ActivityVerdict | null> {
  const spawnedAt = seen.markers.spawned === undefined ? Number.NaN : Date.parse(seen.markers.spawned.at);
  const verdict = seen.live
    ? await observeActivity(
        ctx.paths,
        { identity: seen.identity, runtime: seen.runtime, spawnedAtMs: Number.isNaN(spawnedAt) ? undefined : spawnedAt, lastOutputMs: seen.lastOutputMs },
        nowMs,
        looker,
        events,
      )
    : null;
  await noteAttention(ctx.paths, ctx.log, seen.identity, verdict);
  return verdict;
}

/** A looker for one operation, from its context. */
export function lookerOf(ctx: AppContext): ScreenLooker {
  return screenLooker({ paths: ctx.paths, tmux: { bin: ctx.config.tmuxBin, env: ctx.childEnv }, nodeBin: ctx.nodeBin });
}

/** One row per (peer, runtime), in registry order, with its activity: what `list`, `status` and `list_peers` show. */
export async function fleetStatus(ctx: AppContext, registry: Registry): Promise<PeerStatus[]> {
  const now = ctx.now();
  const observed = observeForList(ctx.paths, registry, now, { bin: ctx.config.tmuxBin, env: ctx.childEnv });
  const looker = lookerOf(ctx);
  return Promise.all(
    observed.map(async ({ seen, waiting }) => {
      // Read once for both the activity and the session id.
      const events = seen.live ? readSessionEventsSync(eventsFileOf(ctx.paths, seen.identity)) : undefined;
      return statusOf(seen, waiting, ctx.paths, await activityOf(ctx, seen, now.getTime(), looker, events), events);
    }),
  );
}

/**
 * One identity's activity now (null unless live), for a caller about to act on it: a
 * delivery's gate, say. Its attention episode is noted on the way, as `list` does.
 */
export async function currentActivity(ctx: AppContext, peer: PeerRecord, runtime: string): Promise<ActivityVerdict | null> {
  const now = ctx.now();
  const identity = formatIdentity({ runtime, personality: peer.personality });
  const one = { ...emptyRegistry(), peers: [{ ...peer, runtimes: [runtime] }] };
  const seen = observeFleet(ctx.paths, one, now, { bin: ctx.config.tmuxBin, env: ctx.childEnv }, ['spawned']).identities.find((entry) => entry.identity === identity);
  return seen === undefined ? null : activityOf(ctx, seen, now.getTime(), lookerOf(ctx));
}
