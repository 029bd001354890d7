import { NotFoundError, RefusedError, UsageError, messageOf } from '../../core/errors.js';
import { isMessageId } from '../../core/message-id.js';
import { isPersonality, tryParseIdentity } from '../../core/names.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findPeer } from '../../registry/schema.js';
import type { QueueEntry, QueuedFile, QueuedMessage } from '../../transport/queue/queue-store.js';
import type { AppContext } from '../context/app-context.js';
import { lockDelivery } from '../context/locks.js';

export type Where = 'waiting' | 'set-aside';

/** One message as `queue show` gives it: where it is, and its record (or why that cannot be read). */
export interface ShownMessage extends QueueEntry {
  readonly id: string;
  readonly identity: string;
  readonly state: Where;
}

/** What became of one id a drop or retry was asked for. */
export type Handled =
  | { readonly id: string; readonly identity: string; readonly ok: true; readonly was: Where }
  | { readonly id: string; readonly identity: string; readonly ok: false; readonly error: string };

const whereOf = (located: QueuedFile): Where => (located.setAside ? 'set-aside' : 'waiting');

function checkIds(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new UsageError('name at least one message id (see iapeer queue)');
  for (const id of ids) {
    if (!isMessageId(id)) throw new UsageError(`${JSON.stringify(id.slice(0, 60))} is not a message id; ids look like 0mx9krfx0000-mgh-0c0kb0 (see iapeer queue)`, 'EINVALIDID');
  }
  return [...new Set(ids)];
}

/** Every id, located; one that is in no queue is refused before anything changes. */
async function locateAll(ctx: AppContext, ids: readonly string[]): Promise<QueuedFile[]> {
  const identities = await ctx.queue.identities();
  const found = await Promise.all(checkIds(ids).map(async (id) => ({ id, located: await ctx.queue.locate(id, identities) })));
  const missing = found.filter((one) => one.located === undefined).map((one) => one.id);
  if (missing.length > 0) {
    throw new RefusedError(`no message ${missing.join(', ')} is waiting or set aside (delivered, dropped, or never queued); nothing was changed: see iapeer queue`, 'ENOMESSAGE');
  }
  return found.map((one) => one.located as QueuedFile);
}

/**
 * Runs `act` on each message under its identity's delivery lock, as a delivery holds it: a
 * message being pasted is finished first, and each is looked for again under the lock.
 */
async function underLocks(ctx: AppContext, located: readonly QueuedFile[], act: (now: QueuedFile) => Promise<void>): Promise<Handled[]> {
  const byIdentity = new Map<string, QueuedFile[]>();
  for (const one of located) byIdentity.set(one.identity, [...(byIdentity.get(one.identity) ?? []), one]);
  const handled = new Map<string, Handled>();
  await Promise.all(
    [...byIdentity].map(([identity, mine]) =>
      lockDelivery(ctx, identity, async () => {
        for (const { id } of mine) {
          const now = await ctx.queue.locate(id, [identity]);
          if (now === undefined) {
            handled.set(id, { id, identity, ok: false, error: `${id} for ${identity} was delivered meanwhile` });
            continue;
          }
          try {
            await act(now);
            handled.set(id, { id, identity, ok: true, was: whereOf(now) });
          } catch (error) {
            handled.set(id, { id, identity, ok: false, error: messageOf(error) });
          }
        }
      }),
    ),
  );
  return located.map((one) => handled.get(one.id) as Handled);
}

/** `queue show <id>`: the message's record and text; it changes nothing. */
export async function showQueued(ctx: AppContext, id: string): Promise<ShownMessage> {
  const [located] = await locateAll(ctx, [id]);
  const where = located as QueuedFile;
  return { id, identity: where.identity, state: whereOf(where), ...(await ctx.queue.entry(where)) };
}

async function dropOne(ctx: AppContext, located: QueuedFile): Promise<void> {
  await ctx.queue.drop(located);
  await ctx.log.write({ ev: 'deliver', identity: located.identity, id: located.id, outcome: 'dropped', confirmed: 'none', was: whereOf(located) });
}

/** `queue drop <id>…`: the messages deleted, each logged `ev=deliver … outcome=dropped`. */
export async function dropQueued(ctx: AppContext, ids: readonly string[]): Promise<Handled[]> {
  return underLocks(ctx, await locateAll(ctx, ids), (located) => dropOne(ctx, located));
}

/** The queue directories a peer or an identity names, registered or not (a removed peer's messages stay). */
async function identitiesNamed(ctx: AppContext, word: string): Promise<string[]> {
  if (isMessageId(word)) throw new UsageError(`--set-aside takes a peer or an identity, not a message id; to drop that message: iapeer queue drop ${word}`);
  if (!isPersonality(word) && tryParseIdentity(word) === undefined) {
    throw new UsageError(`${JSON.stringify(word.slice(0, 60))} is neither a peer name (e.g. boris) nor an identity (e.g. claude-boris)`);
  }
  const named = (await ctx.queue.identities()).filter((identity) => identity === word || tryParseIdentity(identity)?.personality === word);
  if (named.length > 0) return named;
  const registry = readRegistry(ctx.paths.registry);
  if (findPeer(registry, word) || findIdentity(registry, word)) return [];
  throw new NotFoundError(`no peer or identity named ${JSON.stringify(word)}, and no queue of that name: see iapeer queue`);
}

/** `queue drop --set-aside [peer|identity]`: every set-aside message (of that peer or identity), dropped. */
export async function dropSetAside(ctx: AppContext, word: string | undefined): Promise<Handled[]> {
  const identities = word === undefined ? await ctx.queue.identities() : await identitiesNamed(ctx, word);
  const located: QueuedFile[] = [];
  for (const identity of identities) {
    for (const entry of await ctx.queue.list(identity, { setAside: true })) {
      const id = entry.file.slice(entry.file.lastIndexOf('/') + 1, -'.json'.length);
      located.push({ id, identity, setAside: true, file: entry.file });
    }
  }
  // Under the lock, each is dropped only if it is still set aside.
  return underLocks(ctx, located, async (now) => {
    if (!now.setAside) throw new RefusedError(`${now.id} was put back in line meanwhile; not dropped`);
    await dropOne(ctx, now);
  });
}

/**
 * Back in line with a clean slate: no attempt counted, due now. A set-aside message also
 * loses its paste mark: retrying it is asking for it to be pasted again.
 */
function inLine(message: QueuedMessage, setAside: boolean, now: Date): QueuedMessage {
  const { setAsideReason: _reason, ...rest } = message;
  return { ...rest, attempts: 0, nextAttemptAt: now.toISOString(), lastError: null, pastedAt: setAside ? null : message.pastedAt };
}

/** `queue retry <id>…`: each message back in line (set-aside ones moved back), attempts reset. */
export async function retryQueued(ctx: AppContext, ids: readonly string[]): Promise<Handled[]> {
  let registry: ReturnType<typeof readRegistry> | undefined;
  return underLocks(ctx, await locateAll(ctx, ids), async (located) => {
    const { message, problem } = await ctx.queue.entry(located);
    if (message === undefined) throw new RefusedError(`${located.file} cannot be read (${problem ?? 'invalid'}); drop it: iapeer queue drop ${located.id}`);
    registry ??= readRegistry(ctx.paths.registry);
    if (!findIdentity(registry, located.identity)) {
      throw new RefusedError(`${located.identity} is no longer registered, so the message would only be set aside again; drop it: iapeer queue drop ${located.id}`);
    }
    await ctx.queue.requeue(inLine(message, located.setAside, ctx.now()));
    await ctx.log.write({ ev: 'deliver', identity: located.identity, id: located.id, outcome: 'requeued', confirmed: 'none', was: whereOf(located) });
  });
}
