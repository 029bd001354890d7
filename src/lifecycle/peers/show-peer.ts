import { formatIdentity } from '../../core/names.js';
import type { MarkerValue } from '../../registry/markers.js';
import { requireTarget } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { type LogEntry, lastLogLines } from '../log/last-lines.js';
import { recentFastDeaths } from '../sessions/crash-guard.js';
import { type PeerStatus, observeFleet, statusOf } from '../sessions/observe-fleet.js';
import { activityOf, lookerOf } from '../sessions/fleet-status.js';

/** Lifecycle events `show` quotes: the last few about the peer, as `log --peer` finds them. */
export const SHOWN_EVENTS = 10;

/** One identity as `list` sees it, with what its markers and its queue say. */
export interface IdentityView extends PeerStatus {
  /** The current session, or the last one, as recorded when it was spawned. */
  readonly spawned: Pick<MarkerValue<'spawned'>, 'at' | 'mode' | 'cause'> | null;
  readonly stoppedAt: string | null;
  readonly blocked: MarkerValue<'blocked'> | null;
  /** When its last session was ended by an idle reap (so the next wake resumes). */
  readonly idleReapedAt: string | null;
  /** The ends of its sessions iapeer recorded (the last 20), newest last. */
  readonly deaths: MarkerValue<'deaths'>;
  /** Fast deaths within the crash-loop guard's window: five block it. */
  readonly recentFastDeaths: number;
  readonly setAside: number;
}

export interface PeerView {
  readonly peer: PeerRecord;
  /** The idle timeout in force: the peer's own, else IAPEER_IDLE_TIMEOUT_S. */
  readonly idleTimeoutSec: number;
  readonly identities: readonly IdentityView[];
  /** The last lifecycle events about it (all its runtimes, or the identity named), oldest first. */
  readonly events: readonly LogEntry[];
}

/**
 * `show`: a peer's record and each runtime's state, read the ways `list` (the fleet's
 * probe), `status` (queue depths) and `log --peer` (the lifecycle log) read them. Named by
 * an identity, only that runtime. Changes nothing.
 */
export async function showPeer(ctx: AppContext, word: string): Promise<PeerView> {
  const registry = readRegistry(ctx.paths.registry);
  const { peer, runtime } = requireTarget(registry, word, undefined);
  const named = word === peer.personality ? undefined : formatIdentity({ runtime, personality: peer.personality });
  const now = ctx.now();
  const observed = observeFleet(ctx.paths, { ...registry, peers: [peer] }, now, { bin: ctx.config.tmuxBin, env: ctx.childEnv }).identities.filter(
    (seen) => named === undefined || seen.identity === named,
  );
  const looker = lookerOf(ctx);
  const identities = await Promise.all(
    observed.map(async (seen): Promise<IdentityView> => {
      const { markers } = seen;
      const deaths = markers.deaths ?? [];
      return {
        ...statusOf(seen, await ctx.queue.depth(seen.identity), ctx.paths, await activityOf(ctx, seen, now.getTime(), looker)),
        spawned: markers.spawned ? { at: markers.spawned.at, mode: markers.spawned.mode, cause: markers.spawned.cause } : null,
        stoppedAt: markers.stopped?.at ?? null,
        blocked: markers.blocked ?? null,
        idleReapedAt: markers['idle-reaped']?.at ?? null,
        deaths,
        recentFastDeaths: recentFastDeaths(deaths, now.getTime()),
        setAside: await ctx.queue.depth(seen.identity, { setAside: true }),
      };
    }),
  );
  const events = await lastLogLines(ctx.paths.lifecycleLog, { peer: named ?? peer.personality }, SHOWN_EVENTS);
  return { peer, idleTimeoutSec: peer.idleTimeoutSec ?? ctx.config.idleTimeoutSec, identities, events };
}
