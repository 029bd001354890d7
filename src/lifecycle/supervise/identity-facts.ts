import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { type Paths, stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { Liveness } from '../../transport/tmux/pane-liveness.js';
import type { SessionContext } from '../context/session-context.js';
import type { ActivityVerdict } from '../sessions/activity.js';
import { activityOf, lookerOf } from '../sessions/fleet-status.js';
import { type IdentityObservation, ttyTimesOf } from '../sessions/observe-fleet.js';
import { idleSeconds } from '../sessions/peer-state.js';
import type { IdentityFacts, SocketFacts } from './plan-tick.js';

/** The planner's facts about an identity the tick observed. */
export function factsOfObserved(seen: IdentityObservation, defaultIdleSec: number, queued: number, activity: ActivityVerdict | null): IdentityFacts {
  return {
    identity: seen.identity,
    alwaysOn: seen.peer.alwaysOn,
    idleTimeoutSec: seen.peer.idleTimeoutSec ?? defaultIdleSec,
    markers: seen.markers,
    live: seen.live,
    socket: seen.socket,
    idleSeconds: seen.idleSeconds,
    activity,
    queued,
  };
}

export interface FreshFacts {
  /** Undefined when the identity is no longer registered. */
  readonly facts: IdentityFacts | undefined;
  readonly named: { readonly peer: PeerRecord; readonly runtime: string } | undefined;
  readonly liveness: Liveness;
}

/**
 * The same facts read afresh for one identity, under its lock, for the executor's second
 * look: its record, its markers, what tmux says of its session, its activity (its events,
 * and its screen if they need it, captured now), and its queue.
 */
export async function freshFactsOf(ctx: SessionContext, identity: string): Promise<FreshFacts> {
  const named = findIdentity(readRegistry(ctx.paths.registry), identity);
  const liveness = await ctx.sessions.inspect(identity);
  if (!named) return { facts: undefined, named, liveness };
  const markers = readMarkers(stateDirOf(ctx.paths, identity));
  const spawnedAt = markers.spawned ? Date.parse(markers.spawned.at) : 0;
  const times = liveness.state === 'live' ? ttyTimesOf(liveness.pane.tty, spawnedAt) : undefined;
  const nowMs = ctx.now().getTime();
  const seen: IdentityObservation = {
    peer: named.peer,
    runtime: named.runtime,
    identity,
    markers,
    socket: lstatSync(join(ctx.paths.sockDir, identity), { throwIfNoEntry: false }) !== undefined,
    live: liveness.state === 'live',
    pid: liveness.state === 'live' ? liveness.pane.pid : null,
    idleSeconds: times === undefined ? null : idleSeconds(times.lastActivityMs, nowMs),
    lastOutputMs: times?.lastOutputMs,
  };
  const facts = factsOfObserved(seen, ctx.config.idleTimeoutSec, await ctx.queue.depth(identity), await activityOf(ctx, seen, nowMs, lookerOf(ctx)));
  return { facts, named, liveness };
}

/** One socket directory entry as the planner sees it; whether it has state is looked at only without a `peers.json`. */
export function socketFactsOf(paths: Paths, name: string, registryPresent: boolean): SocketFacts {
  return { name, isSocket: isSocket(paths, name), hasState: !registryPresent && existsSync(stateDirOf(paths, name)) };
}

function isSocket(paths: Paths, name: string): boolean {
  try {
    return lstatSync(join(paths.sockDir, name)).isSocket();
  } catch {
    return false;
  }
}
