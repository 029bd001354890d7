import { tryParseIdentity } from '../../core/names.js';
import type { Markers } from '../../registry/markers.js';
import { isRemoteQueue } from '../../transport/queue/crossing.js';
import type { ActivityVerdict } from '../sessions/activity.js';
import { eagerRelaunchAt } from '../sessions/crash-guard.js';
import { lastSpawnUnaccounted } from '../sessions/session-accounting.js';

/** One registered identity as the tick found it. */
export interface IdentityFacts {
  readonly identity: string;
  readonly alwaysOn: boolean;
  /** The peer's idle timeout, or the default; 0 never reaps. */
  readonly idleTimeoutSec: number;
  readonly markers: Markers;
  readonly live: boolean;
  /** A socket file is there: something may be left of an ended session. */
  readonly socket: boolean;
  /** Seconds since its terminal's last input or output. */
  readonly idleSeconds: number | null;
  /** What it is doing, when live (activity.ts); absent when not looked at. */
  readonly activity?: Pick<ActivityVerdict, 'activity' | 'since' | 'source'> | null | undefined;
  /** Messages waiting for it (set-aside ones not counted). */
  readonly queued: number;
}

/** One entry of the socket directory. */
export interface SocketFacts {
  readonly name: string;
  /** A unix socket, not some other file. */
  readonly isSocket: boolean;
  /** This home keeps state for an identity of that name. */
  readonly hasState: boolean;
}

export interface TickFacts {
  readonly nowMs: number;
  /** Every registered identity. */
  readonly identities: readonly IdentityFacts[];
  /** `peers.json` exists: without one, nothing can be told to be unregistered. */
  readonly registryPresent: boolean;
  readonly sockets: readonly SocketFacts[];
  /** Messages waiting, by identity, registered or not. */
  readonly queued: ReadonlyMap<string, number>;
  /** Identities with a wake or a flush still under way from an earlier tick: left alone. */
  readonly busy: ReadonlySet<string>;
}

export type Decision =
  | { readonly kind: 'alive' | 'skipped-always-on'; readonly identity: string }
  | { readonly kind: 'reap-idle'; readonly identity: string; readonly ageSec: number }
  /** Not live, but a server, a dead pane or an unrecorded end is left: reap it (gone or zombie). */
  | { readonly kind: 'reap-ended'; readonly identity: string }
  | { readonly kind: 'reap-orphan'; readonly identity: string }
  | { readonly kind: 'relaunch'; readonly identity: string }
  /** Deliver its queue; `wake` brings a down warm peer up for it. */
  | { readonly kind: 'flush'; readonly identity: string; readonly wake: boolean }
  /** Hand the messages waiting for a target on another host (`boris@build`) to that host. */
  | { readonly kind: 'forward'; readonly identity: string };

/**
 * How long a live identity has been idle, in seconds; undefined when it is not (busy, or
 * waiting on a human: never reaped as idle). With the runtime's own events it counts from
 * the end of its last turn, so a long silent turn is not idle and a ticking screen does not
 * keep an idle agent up; otherwise from its terminal's last input or output.
 */
export function idleAgeOf(facts: Pick<IdentityFacts, 'activity' | 'idleSeconds'>, nowMs: number): number | undefined {
  const seen = facts.activity;
  if (seen?.activity === 'busy' || seen?.activity === 'needs-input') return undefined;
  if (seen?.activity === 'idle' && seen.source === 'events') return Math.max(0, Math.floor((nowMs - seen.since) / 1000));
  return facts.idleSeconds ?? 0;
}

/**
 * What the tick does about one registered identity. The executor asks again, on fresh facts
 * under the identity's lock, before it acts on a reap or a relaunch.
 */
export function decideIdentity(facts: IdentityFacts, nowMs: number): Decision[] {
  const { identity, markers } = facts;
  if (facts.alwaysOn) {
    // Its OS service keeps it up; the daemon only delivers to it while it is live.
    const skipped: Decision = { kind: 'skipped-always-on', identity };
    return facts.live && facts.queued > 0 ? [skipped, { kind: 'flush', identity, wake: false }] : [skipped];
  }
  if (facts.live) {
    const idle = idleAgeOf(facts, nowMs);
    // A peer with mail is not idle: deliver first, reap on a later tick.
    if (idle !== undefined && facts.idleTimeoutSec > 0 && idle >= facts.idleTimeoutSec && facts.queued === 0) return [{ kind: 'reap-idle', identity, ageSec: idle }];
    return facts.queued > 0 ? [{ kind: 'alive', identity }, { kind: 'flush', identity, wake: false }] : [{ kind: 'alive', identity }];
  }
  if (facts.socket || lastSpawnUnaccounted(markers)) return [{ kind: 'reap-ended', identity }];
  if (markers.stopped !== undefined || markers.blocked !== undefined) return [];
  if (markers['new-eager'] !== undefined) return nowMs >= eagerRelaunchAt(markers) ? [{ kind: 'relaunch', identity }] : [];
  return facts.queued > 0 ? [{ kind: 'flush', identity, wake: true }] : [];
}

/**
 * A socket named like an identity with no record is an orphan, to be ended; names that are
 * no identity are not iapeer's. Without a `peers.json` (moved aside, say) every socket would
 * look unregistered: then only a socket whose identity has no state in this home is one.
 */
export function isOrphanSocket(socket: SocketFacts, registered: boolean, registryPresent: boolean): boolean {
  if (!socket.isSocket || registered || tryParseIdentity(socket.name) === undefined) return false;
  return registryPresent || !socket.hasState;
}

/**
 * What one supervise tick does, from what it found. Pure: facts in, decisions out. An
 * identity is reaped, relaunched or flushed, at most one of them per tick; what follows
 * (a relaunch after a death, a reap after a delivery) waits for a later tick, which then
 * sees the result. Messages waiting for an identity with no record are flushed, which sets
 * them aside (kept); without a `peers.json` they are left where they are. Messages waiting
 * for another host are forwarded, registry or not.
 */
export function planTick(facts: TickFacts): Decision[] {
  const registered = new Set(facts.identities.map((one) => one.identity));
  const free = (identity: string) => !facts.busy.has(identity);
  const decisions = facts.identities.filter((one) => free(one.identity)).flatMap((one) => decideIdentity(one, facts.nowMs));
  const orphans = facts.sockets
    .filter((socket) => free(socket.name) && isOrphanSocket(socket, registered.has(socket.name), facts.registryPresent))
    .map((socket): Decision => ({ kind: 'reap-orphan', identity: socket.name }));
  const waiting = [...facts.queued].filter(([identity, depth]) => depth > 0 && !registered.has(identity) && free(identity)).map(([identity]) => identity);
  const forwards = waiting.filter(isRemoteQueue).map((identity): Decision => ({ kind: 'forward', identity }));
  const strays = facts.registryPresent
    ? waiting.filter((identity) => !isRemoteQueue(identity)).map((identity): Decision => ({ kind: 'flush', identity, wake: false }))
    : [];
  return [...decisions, ...orphans, ...strays, ...forwards];
}
