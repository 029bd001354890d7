import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { type Paths, stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { Liveness } from '../../transport/tmux/pane-liveness.js';
import type { SessionContext } from '../context/session-context.js';
import { type IdentityObservation, lastActivityOf } from '../sessions/observe-fleet.js';
import { idleSeconds } from '../sessions/peer-state.js';
import type { IdentityFacts, SocketFacts } from './plan-tick.js';

/** The planner's facts about an identity the tick observed. */
export function factsOfObserved(seen: IdentityObservation, defaultIdleSec: number, queued: number): IdentityFacts {
  return {
    identity: seen.identity,
    alwaysOn: seen.peer.alwaysOn,
    idleTimeoutSec: seen.peer.idleTimeoutSec ?? defaultIdleSec,
    markers: seen.markers,
    live: seen.live,
    socket: seen.socket,
    idleSeconds: seen.idleSeconds,
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
 * look: its record, its markers, what tmux says of its session, and its queue.
 */
export async function freshFactsOf(ctx: SessionContext, identity: string): Promise<FreshFacts> {
  const named = findIdentity(readRegistry(ctx.paths.registry), identity);
  const liveness = await ctx.sessions.inspect(identity);
  if (!named) return { facts: undefined, named, liveness };
  const markers = readMarkers(stateDirOf(ctx.paths, identity));
  const spawnedAt = markers.spawned ? Date.parse(markers.spawned.at) : 0;
  const last = liveness.state === 'live' ? lastActivityOf(liveness.pane.tty, spawnedAt) : undefined;
  const facts: IdentityFacts = {
    identity,
    alwaysOn: named.peer.alwaysOn,
    idleTimeoutSec: named.peer.idleTimeoutSec ?? ctx.config.idleTimeoutSec,
    markers,
    live: liveness.state === 'live',
    socket: lstatSync(join(ctx.paths.sockDir, identity), { throwIfNoEntry: false }) !== undefined,
    idleSeconds: last === undefined ? null : idleSeconds(last, ctx.now().getTime()),
    queued: await ctx.queue.depth(identity),
  };
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
