import { stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findIdentity } from '../../registry/peers.js';
import { deliverText } from '../../transport/screen/deliver-text.js';
import { type QueuedMessage, QueueStore } from '../../transport/queue/queue-store.js';
import type { AppContext } from '../context/app-context.js';
import { withDeliveryLock } from '../context/delivery-lock.js';
import { DRAFT_RETRY_MS, nextAttemptAt, shouldSetAside } from '../../transport/queue/queue-policy.js';
import { deliveryKnobsOf } from '../context/delivery-knobs.js';
import { type SessionContext, runtimeOf, withSessions } from '../context/session-context.js';
import { ensureReady, wakePeer } from '../sessions/wake-peer.js';

export type DeliveredHow = 'delivered' | 'woken-delivered';

export interface FlushReport {
  /** Messages delivered, by id. */
  readonly delivered: ReadonlyMap<string, DeliveredHow>;
  /** Why the identity's queue stopped where it did, if it did not empty. */
  readonly waiting: ReadonlyMap<string, string>;
}

export function queueStoreOf(ctx: AppContext): QueueStore {
  return new QueueStore(ctx.paths.queueDir);
}

/** The readiness gate passed for the session spawned last (see ensureReady). */
function isMarkedReady(ctx: SessionContext, identity: string): boolean {
  const markers = readMarkers(stateDirOf(ctx.paths, identity), ['spawned', 'ready']);
  return markers.spawned !== undefined && markers.ready?.spawnedAt === markers.spawned.at;
}

/**
 * A paste of this message may have started in the current session: it was marked
 * `pastedAt` after that session was spawned. A mark from an earlier session does not count:
 * that server, its buffer and its screen are gone.
 */
function pastedInThisSession(ctx: SessionContext, identity: string, message: QueuedMessage): boolean {
  if (message.pastedAt === null) return false;
  const spawned = readMarkers(stateDirOf(ctx.paths, identity), ['spawned']).spawned;
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
}

/**
 * Delivers what can be delivered now, oldest first per identity; the first message that
 * cannot go holds back the ones after it (FIFO). Failures count attempts with backoff; a
 * message that keeps failing is set aside (kept, logged). `wake: false` leaves down peers be.
 */
export async function flushQueue(
  ctx: AppContext,
  options: FlushOptions = {},
): Promise<FlushReport> {
  const store = queueStoreOf(ctx);
  const identities = options.identities ?? (await store.identities());
  const delivered = new Map<string, DeliveredHow>();
  const waiting = new Map<string, string>();
  if (identities.length === 0) return { delivered, waiting };
  const sctx = await withSessions(ctx);
  await Promise.all(
    identities.map(async (identity) => {
      const flush = () => flushIdentity(sctx, store, identity, options, delivered, waiting);
      try {
        // `send` holds the delivery lock already, from storing its message to delivering it.
        await (options.lockHeld === true ? flush() : withDeliveryLock(ctx.paths, identity, flush));
      } catch (error) {
        waiting.set(identity, (error as Error).message);
      }
    }),
  );
  return { delivered, waiting };
}

/** Under the identity's delivery lock. */
async function flushIdentity(
  ctx: SessionContext,
  store: QueueStore,
  identity: string,
  options: FlushOptions,
  delivered: Map<string, DeliveredHow>,
  waiting: Map<string, string>,
): Promise<void> {
  const pane = ctx.sessions;
  // Once this flush woke the peer, every message it delivers was "woken-delivered".
  let woke = false;
  for (const entry of await store.list(identity)) {
    const message = entry.message;
    // A file that does not parse is kept for the operator (iapeer queue shows it), not delivered.
    if (!message) continue;
    const hold = (why: string) => waiting.set(identity, why);
    const now = ctx.now();
    if (options.ignoreBackoff !== true && Date.parse(message.nextAttemptAt) > now.getTime()) return void hold('backing off');
    const named = findIdentity(readRegistry(ctx.paths.registry), identity);
    if (!named) {
      await setAside(ctx, store, message, `${identity} is no longer registered`);
      continue;
    }
    const markers = readMarkers(stateDirOf(ctx.paths, identity), ['stopped', 'blocked']);
    if (markers.stopped || markers.blocked) return void hold(markers.blocked ? 'blocked' : 'stopped');

    const runtime = await runtimeOf(ctx, named.runtime);
    let current: QueuedMessage = message;
    const deliver = () =>
      deliverText(pane, identity, { id: message.id, text: message.text, pastedBefore: pastedInThisSession(ctx, identity, message) }, deliveryKnobsOf(runtime), {
        beforePaste: async () => {
          current = { ...current, pastedAt: ctx.now().toISOString() };
          await store.write(current);
        },
      });
    // A session that passed the readiness gate is tried at once: one look tells whether it is still live.
    let result = isMarkedReady(ctx, identity) ? await deliver() : undefined;
    if (result === undefined || result.outcome === 'not-live') {
      if ((await ctx.sessions.inspect(identity)).state !== 'live') {
        if (options.wake === false) return void hold('down');
        try {
          // This flush holds the delivery lock: the wake's first message goes under it.
          woke = (await wakePeer(ctx, named.peer, named.runtime, 'message', { deliveryLockHeld: true })).outcome === 'woken' || woke;
        } catch (error) {
          return void (await failed(ctx, store, message, `wake failed: ${(error as Error).message}`), hold('wake failed'));
        }
      }
      try {
        await ensureReady(ctx, identity, runtime);
      } catch (error) {
        return void (await failed(ctx, store, message, `not ready: ${(error as Error).message}`), hold('not ready'));
      }
      result = await deliver();
    }
    if (result.outcome === 'delivered') {
      await store.remove(message);
      const how: DeliveredHow = woke ? 'woken-delivered' : 'delivered';
      delivered.set(message.id, how);
      await ctx.log.write({ ev: 'deliver', identity, id: message.id, outcome: how });
      if (message.id === options.until) return;
      continue;
    }
    if (result.outcome === 'draft') {
      await store.write({ ...current, nextAttemptAt: new Date(now.getTime() + DRAFT_RETRY_MS).toISOString(), lastError: 'a draft is in the composer' });
      await ctx.log.write({ ev: 'deliver', identity, id: message.id, outcome: 'waiting-draft' });
      return void hold('a draft is in the composer');
    }
    if (result.outcome === 'pasted-unseen') {
      await setAside(ctx, store, current, 'pasted before an interruption but not seen on screen; not pasted again: resend it if the peer did not get it');
      continue;
    }
    // Nothing arrived after each paste: the runtime was not taking input, so a later paste is no repeat.
    await failed(ctx, store, result.outcome === 'not-landed' ? { ...current, pastedAt: null } : current, result.outcome);
    return void hold(result.outcome);
  }
}

async function failed(ctx: AppContext, store: QueueStore, message: QueuedMessage, why: string): Promise<void> {
  const attempts = message.attempts + 1;
  if (shouldSetAside(attempts)) return setAside(ctx, store, { ...message, attempts }, why);
  await store.write({ ...message, attempts, lastError: why, nextAttemptAt: nextAttemptAt(attempts, ctx.now().getTime()).toISOString() });
  await ctx.log.write({ ev: 'deliver', identity: message.identity, id: message.id, outcome: 'retry-later', reason: why });
}

async function setAside(ctx: AppContext, store: QueueStore, message: QueuedMessage, why: string): Promise<void> {
  await store.setAside(message, why);
  await ctx.log.write({ ev: 'deliver', identity: message.identity, id: message.id, outcome: 'set-aside', reason: why });
}
