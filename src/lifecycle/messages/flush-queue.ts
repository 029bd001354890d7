import { type IapeerError, isIapeerError } from '../../core/errors.js';
import { stateDirOf } from '../../core/paths.js';
import { type Markers, readMarkers } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { PeerRecord, Registry } from '../../registry/schema.js';
import { deliverText } from '../../transport/screen/deliver-text.js';
import type { QueuedMessage } from '../../transport/queue/queue-store.js';
import { isRemoteQueue } from '../../transport/queue/crossing.js';
import { CANNOT_START_RETRY_MS, DRAFT_RETRY_MS } from '../../transport/queue/queue-policy.js';
import { failed, setAside } from './failed-attempt.js';
import { type DeliveredHow, deliveredHow } from './delivered-how.js';
import type { Runtime } from '../../runtimes/runtime.js';
import type { AppContext } from '../context/app-context.js';
import { lockDelivery } from '../context/locks.js';
import { type SessionContext, runtimeOf, withSessions } from '../context/session-context.js';
import { ensureReady, isMarkedReady, wakePeer } from '../sessions/wake-peer.js';
import { deliveryKnobsOf } from './delivery-knobs.js';
import { agentReportOf, waitUntilFree } from './agent-report.js';
import { currentActivity } from '../sessions/fleet-status.js';
import { cannotHeal, cannotStartReason } from '../sessions/spawn-check.js';

export type { DeliveredHow };

export interface Delivered {
  readonly identity: string;
  readonly outcome: DeliveredHow;
}

/** An identity that cannot be started until the operator acts (see cannotHeal). */
export interface CannotStart {
  readonly error: IapeerError;
  /** What is wrong and how to fix it, in one line. */
  readonly reason: string;
  /** The first failure of this kind for the message at the head of its queue: worth a log line. */
  readonly newEpisode: boolean;
}

export interface FlushReport {
  /** Messages delivered, by id, in the order they went. */
  readonly delivered: ReadonlyMap<string, Delivered>;
  /** Why the identity's queue stopped where it did, if it did not empty. */
  readonly waiting: ReadonlyMap<string, string>;
  /** Identities whose queue stopped because they cannot be started as things are. */
  readonly cannotStart: ReadonlyMap<string, CannotStart>;
}

/** What a delivery goes by: the identity's record and markers, read once (under its delivery lock). */
export interface IdentitySnapshot {
  readonly identity: string;
  readonly peer: PeerRecord;
  readonly runtime: string;
  readonly markers: Markers;
}

/**
 * A paste of this message may have started in the current session: it was marked
 * `pastedAt` after that session was spawned. A mark from an earlier session does not count:
 * that server, its buffer and its screen are gone.
 */
function pastedInThisSession(spawned: Markers['spawned'], message: QueuedMessage): boolean {
  if (message.pastedAt === null) return false;
  return spawned === undefined || Date.parse(spawned.at) <= Date.parse(message.pastedAt);
}

export interface FlushOptions {
  readonly identities?: readonly string[];
  /** false: leave down peers be. */
  readonly wake?: boolean;
  readonly ignoreBackoff?: boolean;
  /** The caller holds the delivery lock of the (one) identity. */
  readonly lockHeld?: boolean;
  /** Stop once this message is delivered: the later ones have senders of their own waiting. */
  readonly until?: string;
  /** The caller's read of the (one) identity, taken under its delivery lock: not read again for the first message. */
  readonly snapshot?: IdentitySnapshot;
}

/**
 * Delivers what can be delivered now, in delivery order per identity; the first message
 * that cannot go holds back the ones after it (FIFO). Failures count attempts with backoff; a
 * message that keeps failing is set aside (kept, logged). `wake: false` leaves down peers be.
 */
export async function flushQueue(ctx: AppContext, options: FlushOptions = {}): Promise<FlushReport> {
  // A queue for another host is forwarded (forward-queue.ts), never delivered here.
  const identities = options.identities ?? (await ctx.queue.identities()).filter((name) => !isRemoteQueue(name));
  const delivered = new Map<string, Delivered>();
  const waiting = new Map<string, string>();
  const cannotStart = new Map<string, CannotStart>();
  if (identities.length === 0) return { delivered, waiting, cannotStart };
  const sctx = await withSessions(ctx);
  let registry: Registry | undefined;
  const registryOf = () => (registry ??= readRegistry(ctx.paths.registry));
  await Promise.all(
    identities.map(async (identity) => {
      const flush = () => flushIdentity(sctx, identity, options, registryOf, { delivered, waiting, cannotStart });
      try {
        await (options.lockHeld === true ? flush() : lockDelivery(ctx, identity, flush));
      } catch (error) {
        waiting.set(identity, (error as Error).message);
      }
    }),
  );
  return { delivered, waiting, cannotStart };
}

interface Outcomes {
  readonly delivered: Map<string, Delivered>;
  readonly waiting: Map<string, string>;
  readonly cannotStart: Map<string, CannotStart>;
}

/** The identity's record and markers as they are now; undefined once it is no longer registered. */
function readSnapshot(ctx: AppContext, identity: string, registryOf: () => Registry): IdentitySnapshot | undefined {
  const named = findIdentity(registryOf(), identity);
  return named && { identity, ...named, markers: readMarkers(stateDirOf(ctx.paths, identity)) };
}

function withoutReady(markers: Markers): Markers {
  const { ready, ...rest } = markers;
  return rest;
}

/** Under the identity's delivery lock. Each message goes by one read of the identity: the caller's snapshot for the first. */
async function flushIdentity(
  ctx: SessionContext,
  identity: string,
  options: FlushOptions,
  registryOf: () => Registry,
  outcomes: Outcomes,
): Promise<void> {
  const hold = (why: string) => void outcomes.waiting.set(identity, why);
  // Once this flush woke the peer, every message it delivers was "woken-delivered".
  let woke = false;
  let known = options.snapshot?.identity === identity ? options.snapshot : undefined;
  let entries = await ctx.queue.list(identity);
  for (let index = 0; index < entries.length; index += 1) {
    const message = entries[index]?.message;
    // A file that does not parse is kept for the operator (iapeer queue shows it), not delivered.
    if (!message) continue;
    const now = ctx.now();
    if (options.ignoreBackoff !== true && Date.parse(message.nextAttemptAt) > now.getTime()) return hold('backing off');
    const state = known ?? readSnapshot(ctx, identity, registryOf);
    known = undefined;
    if (!state) {
      await setAside(ctx, message, `${identity} is no longer registered`);
      continue;
    }
    let { markers } = state;
    if (markers.stopped || markers.blocked) return hold(markers.blocked ? 'blocked' : 'stopped');

    // A runtime gone from runtimes.json, a command not on PATH, a missing cwd: waiting will not cure them.
    const cannotStart = async (error: unknown): Promise<void> => {
      const reason = cannotStartReason(ctx, error as IapeerError);
      // The sender of that message is told and takes it back; the others wait for the fix.
      const newEpisode = message.id === options.until ? true : await waitForFix(ctx, message, reason);
      outcomes.cannotStart.set(identity, { error: error as IapeerError, reason, newEpisode });
      hold(reason);
    };
    let runtime: Runtime;
    try {
      runtime = await runtimeOf(ctx, state.runtime);
    } catch (error) {
      if (!cannotHeal(error)) throw error;
      return cannotStart(error);
    }
    let current: QueuedMessage = message;
    const report = agentReportOf(ctx, identity, runtime);
    const deliver = () =>
      deliverText(ctx.sessions, identity, { id: message.id, text: message.text, pastedBefore: pastedInThisSession(markers.spawned, message) }, deliveryKnobsOf(runtime), {
        beforePaste: async () => {
          current = { ...current, pastedAt: ctx.now().toISOString() };
          await ctx.queue.write(current);
        },
        ...(report === undefined
          ? {}
          : { reported: (id: string) => report.reported(id), gate: () => waitUntilFree(() => currentActivity(ctx, state.peer, state.runtime)) }),
      });
    // A session that passed the readiness gate is tried at once: one look tells whether it is still live.
    let result = isMarkedReady(markers) ? await deliver() : undefined;
    if (result === undefined || result.outcome === 'not-live') {
      if ((await ctx.sessions.inspect(identity)).state !== 'live') {
        if (options.wake === false) return hold('down');
        try {
          const wake = await wakePeer(ctx, state.peer, state.runtime, 'message');
          if (wake.outcome === 'woken') {
            woke = true;
            markers = { ...withoutReady(markers), spawned: wake.spawned };
            if (wake.firstMessage !== undefined) {
              // The session's first message was queued ahead of this one: it goes first.
              known = { ...state, markers };
              entries = await ctx.queue.list(identity);
              index = -1;
              continue;
            }
          }
        } catch (error) {
          // Its service keeps it up: the message waits, counting no attempt, until it is live.
          if (isIapeerError(error) && error.code === 'EALWAYSON') return hold(error.message);
          if (cannotHeal(error)) return cannotStart(error);
          await failed(ctx, message, `wake failed: ${(error as Error).message}`);
          return hold('wake failed');
        }
      }
      // A dialog waiting on a human hides the ready prompt: the readiness gate would only time out.
      if (report !== undefined && (await currentActivity(ctx, state.peer, state.runtime))?.activity === 'needs-input') {
        result = { outcome: 'gated', reason: 'needs-input' };
      } else {
        try {
          const ready = await ensureReady(ctx, identity, runtime, markers);
          if (ready) markers = { ...markers, ready };
        } catch (error) {
          await failed(ctx, message, `not ready: ${(error as Error).message}`);
          return hold('not ready');
        }
        result = await deliver();
      }
    }
    const submitted = await deliveredHow(result, woke, report && (() => report.reports()));
    if (submitted !== undefined) {
      // Submitted, confirmed or not: never pasted again.
      await ctx.queue.remove(message);
      outcomes.delivered.set(message.id, { identity, outcome: submitted.outcome });
      await ctx.log.write({ ev: 'deliver', identity, id: message.id, outcome: submitted.outcome, confirmed: submitted.confirmed });
      if (message.id === options.until) return;
      continue;
    }
    if (result.outcome === 'draft' || result.outcome === 'gated') {
      const why = result.outcome === 'draft' ? 'a draft is in the composer' : result.reason === 'busy' ? 'it is busy' : 'it needs input';
      const outcome = result.outcome === 'draft' ? 'waiting-draft' : result.reason === 'busy' ? 'waiting-busy' : 'waiting-input';
      await ctx.queue.write({ ...current, nextAttemptAt: new Date(now.getTime() + DRAFT_RETRY_MS).toISOString(), lastError: why });
      await ctx.log.write({ ev: 'deliver', identity, id: message.id, outcome, confirmed: 'none' });
      return hold(why);
    }
    if (result.outcome === 'pasted-unseen') {
      await setAside(ctx, current, 'pasted before an interruption but not seen on screen; not pasted again: resend it if the peer did not get it');
      continue;
    }
    // Nothing arrived after each paste: the runtime was not taking input, so a later paste is no repeat.
    await failed(ctx, result.outcome === 'not-landed' ? { ...current, pastedAt: null } : current, result.outcome);
    return hold(result.outcome);
  }
}

/**
 * The head of a queue whose identity cannot be started: no attempt is counted (the message
 * is not at fault, and it goes once the fix is in), and it is looked at again only after
 * CANNOT_START_RETRY_MS. Logged once per episode: true when this reason is new for it.
 */
async function waitForFix(ctx: AppContext, message: QueuedMessage, reason: string): Promise<boolean> {
  const newEpisode = message.lastError !== reason;
  await ctx.queue.write({ ...message, lastError: reason, nextAttemptAt: new Date(ctx.now().getTime() + CANNOT_START_RETRY_MS).toISOString() });
  if (newEpisode) await ctx.log.write({ ev: 'deliver', identity: message.identity, id: message.id, outcome: 'retry-later', confirmed: 'none', reason });
  return newEpisode;
}
