import { tryParseIdentity } from '../../core/names.js';
import type { Markers } from '../../registry/markers.js';
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
  readonly idleSeconds: number | null;
  /** Messages waiting for it (set-aside ones not counted). */
  readonly queued: number;
}

export interface TickFacts {
  readonly nowMs: number;
  readonly identities: readonly IdentityFacts[];
  /** Names in the socket directory. */
  readonly socketNames: readonly string[];
  /** Identities with messages waiting but no record: their messages are set aside (kept). */
  readonly unregisteredQueues: readonly string[];
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
  | { readonly kind: 'flush'; readonly identity: string; readonly wake: boolean };

function decideFor(facts: IdentityFacts, nowMs: number): Decision[] {
  const { identity, markers } = facts;
  if (facts.alwaysOn) {
    // Its OS service keeps it up; the daemon only delivers to it while it is live.
    const skipped: Decision = { kind: 'skipped-always-on', identity };
    return facts.live && facts.queued > 0 ? [skipped, { kind: 'flush', identity, wake: false }] : [skipped];
  }
  if (facts.live) {
    const idle = facts.idleSeconds ?? 0;
    // A peer with mail is not idle: deliver first, reap on a later tick.
    if (facts.idleTimeoutSec > 0 && idle >= facts.idleTimeoutSec && facts.queued === 0) return [{ kind: 'reap-idle', identity, ageSec: idle }];
    return facts.queued > 0 ? [{ kind: 'alive', identity }, { kind: 'flush', identity, wake: false }] : [{ kind: 'alive', identity }];
  }
  if (facts.socket || lastSpawnUnaccounted(markers)) return [{ kind: 'reap-ended', identity }];
  if (markers.stopped !== undefined || markers.blocked !== undefined) return [];
  if (markers['new-eager'] !== undefined) return nowMs >= eagerRelaunchAt(markers) ? [{ kind: 'relaunch', identity }] : [];
  return facts.queued > 0 ? [{ kind: 'flush', identity, wake: true }] : [];
}

/**
 * What one supervise tick does, from what it found. Pure: facts in, decisions out. An
 * identity is reaped, relaunched or flushed, at most one of them per tick; what follows
 * (a relaunch after a death, a reap after a delivery) waits for a later tick, which then
 * sees the result.
 */
export function planTick(facts: TickFacts): Decision[] {
  const registered = new Set(facts.identities.map((one) => one.identity));
  const decisions = facts.identities.filter((one) => !facts.busy.has(one.identity)).flatMap((one) => decideFor(one, facts.nowMs));
  // A socket named like an identity but without a record is an orphan; other names are not iapeer's.
  const orphans = facts.socketNames
    .filter((name) => !registered.has(name) && !facts.busy.has(name) && tryParseIdentity(name) !== undefined)
    .map((identity): Decision => ({ kind: 'reap-orphan', identity }));
  const strays = facts.unregisteredQueues
    .filter((identity) => !facts.busy.has(identity))
    .map((identity): Decision => ({ kind: 'flush', identity, wake: false }));
  return [...decisions, ...orphans, ...strays];
}
