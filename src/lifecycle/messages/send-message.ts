import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NotFoundError, RefusedError, UsageError, errnoCode } from '../../core/errors.js';
import { newMessageId } from '../../core/message-id.js';
import { formatIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { type PeerRecord, type Registry, findPeer } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { lockDelivery } from '../context/locks.js';
import { OPERATOR, checkContent, formatEnvelope } from '../../transport/queue/envelope.js';
import { newQueuedMessage } from '../../transport/queue/queue-store.js';
import { flushQueue } from './flush-queue.js';
import { type SessionContext, withSessions } from '../context/session-context.js';

export interface SendInput {
  /** A personality (its first live runtime, else its first runtime) or an identity. */
  readonly target: string;
  readonly body: string;
  /** A registered identity or `operator`; defaults to the caller's PEER_IDENTITY, else `operator`. */
  readonly from?: string | undefined;
  readonly topic?: string | undefined;
  readonly attachments?: readonly string[];
  /** Leave a down peer down: the message waits in the queue. */
  readonly noWake?: boolean;
}

export interface SendResult {
  readonly id: string;
  readonly target: string;
  readonly identity: string;
  /** `duplicate`: another host sent this id again, and this host already holds it. */
  readonly outcome: 'delivered' | 'woken-delivered' | 'unverified' | 'queued' | 'duplicate';
  /** Why a queued message is waiting. */
  readonly reason?: string;
}

/** Who a message is from: `--from` (a registered identity or operator), else the caller's session, else operator. */
export function senderOf(ctx: AppContext, registry: Registry, from: string | undefined): string {
  if (from !== undefined) {
    if (from === OPERATOR || findIdentity(registry, from)) return from;
    throw new UsageError(`from ${JSON.stringify(from.slice(0, 80))} is not a registered identity (e.g. claude-boris; see iapeer list) nor ${OPERATOR}`, 'EINVALIDFROM');
  }
  const caller = ctx.config.peerIdentity;
  if (caller === undefined) return OPERATOR;
  if (findIdentity(registry, caller)) return caller;
  throw new UsageError(`PEER_IDENTITY ${JSON.stringify(caller.slice(0, 80))} is not a registered identity; pass --from <identity> or --from ${OPERATOR}`, 'EINVALIDFROM');
}

/** A peer's message to itself would land in its own prompt: refused, naming where the sender came from. */
function refuseSelfSend(from: string, identity: string, fromCaller: boolean): void {
  if (from !== identity) return;
  const sender = fromCaller ? `${from} is the sender (PEER_IDENTITY, the session this runs in)` : `${from} is the sender`;
  const otherwise = fromCaller ? `, or send it from ${OPERATOR}` : '';
  throw new UsageError(`${sender} and the target: a peer cannot message itself (it would land in its own prompt); name another peer${otherwise}`, 'ESELFSEND');
}

async function attachmentPaths(cwd: string, paths: readonly string[]): Promise<string[]> {
  return Promise.all(
    paths.map(async (path) => {
      const absolute = resolve(cwd, path);
      const info = await stat(absolute).catch(() => undefined);
      if (!info) throw new UsageError(`attachment ${JSON.stringify(path)}: no such file or directory`, 'ENOATTACHMENT');
      return absolute;
    }),
  );
}

/** The peer and runtime a target names: a personality first, else an identity. */
async function resolveTarget(ctx: SessionContext, registry: Registry, target: string): Promise<{ peer: PeerRecord; runtime: string }> {
  const peer = findPeer(registry, target);
  // One runtime: nothing to choose, no tmux call.
  if (peer?.runtimes.length === 1) return { peer, runtime: peer.runtimes[0] as string };
  if (peer) {
    for (const runtime of peer.runtimes) {
      const identity = formatIdentity({ runtime, personality: peer.personality });
      if ((await ctx.sessions.inspect(identity)).state === 'live') return { peer, runtime };
    }
    return { peer, runtime: peer.runtimes[0] as string };
  }
  const named = findIdentity(registry, target);
  if (named) return named;
  throw new NotFoundError(`no peer or identity named ${JSON.stringify(target.slice(0, 80))}: see iapeer list`);
}

/**
 * `send`: checks everything first (nothing is queued or pasted for bad input). Then, under
 * the target's delivery lock, it reads the identity once: a stopped or blocked target is
 * refused; otherwise the message is stored durably and the target's queue is delivered in
 * order, waking a down warm peer unless told not to. A message that cannot go now stays
 * queued for the daemon, unless the peer cannot be started until the operator acts (its
 * runtime not installed or unknown, its cwd gone): then it is refused and not kept.
 */
export async function sendMessage(ctx: AppContext, input: SendInput): Promise<SendResult> {
  const checked = await checkSend(ctx, input);
  return sendChecked(checked, input.target, await resolveChecked(checked, input.target));
}

/** What every target of one send shares, checked once, before anything is queued or pasted. */
export interface CheckedSend {
  readonly ctx: SessionContext;
  readonly registry: Registry;
  readonly body: string;
  readonly from: string;
  /** The sender is the caller's own session (PEER_IDENTITY), not a --from. */
  readonly fromCaller: boolean;
  readonly topic: string;
  readonly attachments: readonly string[];
  readonly noWake: boolean;
}

export async function checkSend(ctx: AppContext, input: Omit<SendInput, 'target'>): Promise<CheckedSend> {
  const topic = checkContent(input.body, input.topic);
  const registry = readRegistry(ctx.paths.registry);
  const from = senderOf(ctx, registry, input.from);
  const attachments = await attachmentPaths(ctx.cwd, input.attachments ?? []);
  const fromCaller = input.from === undefined;
  return { ctx: await withSessions(ctx), registry, body: input.body, from, fromCaller, topic, attachments, noWake: input.noWake === true };
}

/** The peer and runtime a target names, checked against the sender (bad input: nothing is sent yet). */
export async function resolveChecked(checked: CheckedSend, target: string): Promise<{ peer: PeerRecord; runtime: string }> {
  const resolved = await resolveTarget(checked.ctx, checked.registry, target);
  refuseSelfSend(checked.from, formatIdentity({ runtime: resolved.runtime, personality: resolved.peer.personality }), checked.fromCaller);
  return resolved;
}

/**
 * The send to one resolved target, with a message id of its own, or, for a message from
 * another host (`arrival`), the id it came with: one this host already holds is a duplicate,
 * answered as such before anything else is looked at (the first try may have been taken
 * before the peer was stopped), and nothing is pasted or queued again.
 */
export async function sendChecked(
  checked: CheckedSend,
  target: string,
  { peer, runtime }: { peer: PeerRecord; runtime: string },
  arrival?: { readonly id: string },
): Promise<SendResult> {
  const { ctx, from, topic, attachments } = checked;
  const identity = formatIdentity({ runtime, personality: peer.personality });
  // Held from the read to the delivery: no other delivery changes the identity in between.
  return lockDelivery(ctx, identity, async () => {
    if (arrival !== undefined && ((await ctx.received.holds(arrival.id)) || (await ctx.queue.locate(arrival.id)) !== undefined)) {
      await ctx.log.write({ ev: 'deliver', identity, id: arrival.id, outcome: 'duplicate', confirmed: 'none', reason: `${from} sent it again` });
      return { id: arrival.id, target, identity, outcome: 'duplicate' };
    }
    const markers = readMarkers(stateDirOf(ctx.paths, identity));
    if (markers.blocked || markers.stopped) {
      const state = markers.blocked ? 'blocked' : 'stopped';
      throw new RefusedError(`${identity} is ${state}: nothing was sent or queued; start it first: iapeer start ${peer.personality} ${runtime}`, 'ENOTWAKEABLE');
    }
    const now = ctx.now();
    const id = arrival?.id ?? newMessageId(now.getTime());
    const text = formatEnvelope({ from, topic, id, body: checked.body, attachments });
    // Stored first: if this process dies mid-delivery, the daemon finishes the job.
    const message = newQueuedMessage({ id, identity, from, topic, text }, now);
    try {
      await ctx.queue.enqueue(message);
    } catch (error) {
      // The bound of the queue: a new message is refused, on record, and no older one is dropped.
      if (errnoCode(error) === 'EQUEUEFULL') await ctx.log.write({ ev: 'deliver', identity, id, outcome: 'refused', confirmed: 'none', reason: 'queue full' });
      throw error;
    }
    // Known from here on: a retry that comes while this one is still delivering waits for the lock, then is a duplicate.
    if (arrival !== undefined) await ctx.received.mark(id, now.getTime());
    const down = checked.noWake && (await ctx.sessions.inspect(identity)).state !== 'live';
    const report = down
      ? undefined
      : await flushQueue(ctx, { identities: [identity], ignoreBackoff: true, lockHeld: true, until: id, snapshot: { identity, peer, runtime, markers } });
    const how = report?.delivered.get(id)?.outcome;
    if (how) return { id, target, identity, outcome: how };
    const stuck = report?.cannotStart.get(identity);
    if (stuck) {
      // Waiting cannot cure it: refused like a send to a stopped peer, and taken back out of the queue.
      await ctx.queue.remove(message);
      if (arrival !== undefined) await ctx.received.unmark(id);
      await ctx.log.write({ ev: 'deliver', identity, id, outcome: 'refused', confirmed: 'none', reason: stuck.reason });
      throw new RefusedError(`nothing was sent or queued: ${identity} cannot start: ${stuck.reason}`, stuck.error.code, { cause: stuck.error });
    }
    const reason = report === undefined ? `${identity} is down and --no-wake was given` : (report.waiting.get(identity) ?? 'waiting');
    await ctx.log.write({ ev: 'deliver', identity, id, outcome: 'queued', confirmed: 'none', reason });
    return { id, target, identity, outcome: 'queued', confirmed: 'none', reason };
  });
}
