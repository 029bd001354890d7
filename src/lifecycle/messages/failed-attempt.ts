import type { QueuedMessage } from '../../transport/queue/queue-store.js';
import { nextAttemptAt, shouldSetAside } from '../../transport/queue/queue-policy.js';
import type { AppContext } from '../context/app-context.js';

/** One more failed attempt: tried again after the backoff, or set aside once it failed too often. */
export async function failed(ctx: AppContext, message: QueuedMessage, why: string): Promise<void> {
  const attempts = message.attempts + 1;
  if (shouldSetAside(attempts)) return setAside(ctx, { ...message, attempts }, why);
  await ctx.queue.write({ ...message, attempts, lastError: why, nextAttemptAt: nextAttemptAt(attempts, ctx.now().getTime()).toISOString() });
  await ctx.log.write({ ev: 'deliver', identity: message.identity, id: message.id, outcome: 'retry-later', confirmed: 'none', reason: why });
}

/** Out of the way, kept for the operator (`iapeer queue`), on record. */
export async function setAside(ctx: AppContext, message: QueuedMessage, why: string): Promise<void> {
  await ctx.queue.setAside(message, why);
  await ctx.log.write({ ev: 'deliver', identity: message.identity, id: message.id, outcome: 'set-aside', confirmed: 'none', reason: why });
}
