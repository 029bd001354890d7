import { withDeliveryLock, withIdentityLocks } from '../../core/lock/identity-lock.js';
import { type Mutation, type UpdateResult, updateRegistry } from '../../registry/update-registry.js';
import type { AppContext } from './app-context.js';

/** The registry's locked writer, telling the caller (once, after a second) what it waits for. */
export function updatePeers<T>(ctx: AppContext, mutate: Mutation<T>): Promise<UpdateResult<T>> {
  return updateRegistry(ctx.paths, mutate, { onWait: ctx.notice });
}

/** The identities' locks, telling the caller what it waits for. */
export function lockIdentities<T>(ctx: AppContext, identities: readonly string[], fn: () => Promise<T>): Promise<T> {
  return withIdentityLocks(ctx.paths, identities, fn, { onWait: ctx.notice });
}

/** The identity's delivery lock (see withDeliveryLock), telling the caller what it waits for. */
export function lockDelivery<T>(ctx: AppContext, identity: string, fn: () => Promise<T>, options: { tryOnce?: boolean } = {}): Promise<T> {
  return withDeliveryLock(ctx.paths, identity, fn, { onWait: ctx.notice, ...options });
}

/** The delivery locks of several identities, taken in sorted order (so two callers cannot deadlock). */
export function lockDeliveries<T>(ctx: AppContext, identities: readonly string[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = [...new Set(identities)].sort();
  if (first === undefined) return fn();
  return lockDelivery(ctx, first, () => lockDeliveries(ctx, rest, fn));
}
