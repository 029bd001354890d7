import { lockDeliveries, lockIdentities, updatePeers } from '../context/locks.js';
import { readdir, rm } from 'node:fs/promises';
import { RefusedError, UsageError } from '../../core/errors.js';
import { parsePersonality, tryParseIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { counted } from '../../core/text/counted.js';
import { removeState } from '../../registry/markers.js';
import { findIdentity, identitiesOf } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { type Registry, findPeer } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { endSession } from '../sessions/end-session.js';
import { preparePeerServicesRemoval } from '../services/always-on-service.js';
import { type SessionContext, withSessions } from '../context/session-context.js';

/** Messages of the peer's identities that were still waiting, or set aside, when it went. */
export interface DroppedMessages {
  readonly waiting: number;
  readonly setAside: number;
}

export type RemoveResult =
  | { readonly outcome: 'absent'; readonly personality: string }
  | { readonly outcome: 'removed'; readonly personality: string; readonly ended: readonly string[]; readonly dropped: DroppedMessages };

/** State and messages left by runtimes the peer no longer lists (an older record) go with it too. */
async function leftoverIdentities(ctx: AppContext, personality: string): Promise<string[]> {
  const names = [...(await readdir(ctx.paths.stateRoot).catch(() => [] as string[])), ...(await ctx.queue.identities())];
  return names.filter((name) => tryParseIdentity(name)?.personality === personality);
}

function liveRefusal(personality: string, running: readonly string[]): RefusedError {
  return new RefusedError(`${personality} is live (${running.join(', ')}); stop it first (iapeer stop ${personality}) or use --force`, 'ELIVE');
}

async function messagesOf(ctx: AppContext, identities: readonly string[]): Promise<DroppedMessages> {
  let waiting = 0;
  let setAside = 0;
  for (const identity of identities) {
    waiting += await ctx.queue.depth(identity);
    setAside += await ctx.queue.depth(identity, { setAside: true });
  }
  return { waiting, setAside };
}

function countOf(messages: DroppedMessages): string {
  const total = messages.waiting + messages.setAside;
  const parts = [messages.waiting > 0 ? `${messages.waiting} waiting` : '', messages.setAside > 0 ? `${messages.setAside} set aside` : ''].filter(Boolean);
  return `${counted(total, 'message')} (${parts.join(', ')})`;
}

/** Its messages would have no one to go to: the operator looks at them, or says to drop them. */
function queuedRefusal(personality: string, messages: DroppedMessages): RefusedError {
  return new RefusedError(
    `${personality} has ${countOf(messages)} not delivered; see them with: iapeer queue; to remove it and drop them: iapeer remove ${personality} --force`,
    'EQUEUED',
  );
}

/** Drops the identities' messages, one `ev=deliver outcome=dropped reason=removed` line each. */
async function dropMessages(ctx: AppContext, identities: readonly string[]): Promise<DroppedMessages> {
  let waiting = 0;
  let setAside = 0;
  for (const identity of identities) {
    const dropped = await ctx.queue.dropAll(identity);
    for (const id of [...dropped.waiting, ...dropped.setAside]) await ctx.log.write({ ev: 'deliver', identity, id, outcome: 'dropped', confirmed: 'none', reason: 'removed' });
    waiting += dropped.waiting.length;
    setAside += dropped.setAside.length;
  }
  return { waiting, setAside };
}

/** Under the identities' delivery and identity locks: checks again, ends the sessions, then removes the record and all it had. */
async function removeLocked(
  sctx: SessionContext,
  personality: string,
  identities: readonly string[],
  force: boolean,
): Promise<{ ended: string[]; dropped: DroppedMessages }> {
  const looks = await Promise.all(identities.map(async (identity) => ({ identity, liveness: await sctx.sessions.inspect(identity) })));
  const running = looks.filter((look) => look.liveness.state === 'live').map((look) => look.identity);
  if (running.length > 0 && !force) throw liveRefusal(personality, running);
  const messages = await messagesOf(sctx, identities);
  if (messages.waiting + messages.setAside > 0 && !force) throw queuedRefusal(personality, messages);
  // End every session before the record goes, so nothing is left running unowned.
  await Promise.all(looks.map(({ identity, liveness }) => endSession(sctx, identity, liveness)));
  await updatePeers(sctx, (current) => ({
    next: findPeer(current, personality) ? { ...current, peers: current.peers.filter((p) => p.personality !== personality) } : undefined,
    value: undefined,
  }));
  for (const identity of identities) {
    await removeState(stateDirOf(sctx.paths, identity));
    await rm(sctx.sessions.socketOf(identity), { force: true });
  }
  return { ended: running, dropped: await dropMessages(sctx, identities) };
}

/**
 * The peer a remove names: a peer, or the identity of a peer that has only that runtime.
 * One runtime of several is not removed by naming it: the record says which runtimes a peer has.
 */
function peerNamed(registry: Registry, word: string): string {
  if (findPeer(registry, word)) return word;
  const named = findIdentity(registry, word);
  if (named && named.peer.runtimes.length > 1) {
    const others = named.peer.runtimes.filter((runtime) => runtime !== named.runtime);
    throw new UsageError(
      `${word} is one runtime of peer ${named.peer.personality} (${named.peer.runtimes.join(', ')}): remove the peer with iapeer remove ${named.peer.personality}, or keep only the others with iapeer add ${named.peer.personality} --runtime ${others.join(' ')}`,
      'EONERUNTIME',
    );
  }
  return named ? named.peer.personality : parsePersonality(word);
}

/**
 * Deletes a peer's record through the locked writer, and the OS services of its identities. A live peer is refused unless
 * `force`, which ends its sessions first: nothing is ever left running without a record. So is one with messages not
 * delivered (waiting or set aside), unless `force`, which drops them, each on record.
 */
export async function removePeer(ctx: AppContext, input: { peer: string; force: boolean }): Promise<RemoveResult> {
  const registry = readRegistry(ctx.paths.registry);
  const personality = peerNamed(registry, input.peer);
  const peer = findPeer(registry, personality);
  if (!peer) {
    await ctx.log.write({ ev: 'remove', personality, outcome: 'absent' });
    return { outcome: 'absent', personality };
  }
  const sctx = await withSessions(ctx);
  const identities = [...new Set([...identitiesOf(peer), ...(await leftoverIdentities(ctx, personality))])];
  const removeServices = await preparePeerServicesRemoval(ctx, identities);
  if (!input.force) {
    // Refused while live or holding messages before its services are touched; checked again under the locks.
    const live = await Promise.all(identities.map(async (identity) => (await sctx.sessions.inspect(identity)).state === 'live'));
    if (live.some(Boolean)) throw liveRefusal(personality, identities.filter((_, index) => live[index]));
    const messages = await messagesOf(ctx, identities);
    if (messages.waiting + messages.setAside > 0) throw queuedRefusal(personality, messages);
  }
  // Their keepers go first (outside the locks, which a keeper may be waiting for).
  await removeServices();
  // The delivery locks too: no send queues a message for it while it goes.
  const { ended, dropped } = await lockDeliveries(ctx, identities, () =>
    lockIdentities(ctx, identities, () => removeLocked(sctx, personality, identities, input.force)),
  );
  await ctx.log.write({ ev: 'remove', personality, outcome: 'removed', ended: ended.length });
  return { outcome: 'removed', personality, ended, dropped };
}
