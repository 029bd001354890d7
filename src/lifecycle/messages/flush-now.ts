import { isRemoteQueue } from '../../transport/queue/crossing.js';
import type { AppContext } from '../context/app-context.js';
import { type DeliveredHow, flushQueue } from './flush-queue.js';
import { type Forwarded, forwardQueue } from './forward-queue.js';
import { type QueueRow, listQueue } from './list-queue.js';

export interface FlushNowResult {
  /** What the flush delivered, in the order it went. */
  readonly delivered: ReadonlyArray<{ readonly id: string; readonly identity: string; readonly outcome: DeliveredHow }>;
  /** What went to other hosts: the queue it waited in (`boris@build`), and what that host did with it. */
  readonly forwarded: ReadonlyArray<{ readonly id: string; readonly identity: string; readonly there: Forwarded['outcome'] }>;
  /** What is still in the queue afterwards, waiting or set aside. */
  readonly left: readonly QueueRow[];
}

/**
 * `queue --flush`: delivers what can go now, backoff or not (waking down peers), hands what
 * waits for other hosts to them, and says what went and what is left.
 */
export async function flushNow(ctx: AppContext): Promise<FlushNowResult> {
  const remote = (await ctx.queue.identities()).filter(isRemoteQueue);
  const [report, forwards] = await Promise.all([
    flushQueue(ctx, { ignoreBackoff: true }),
    Promise.all(remote.map(async (identity) => ({ identity, report: await forwardQueue(ctx, identity, { ignoreBackoff: true }) }))),
  ]);
  const delivered = [...report.delivered].map(([id, { identity, outcome }]) => ({ id, identity, outcome }));
  const forwarded = forwards.flatMap(({ identity, report: one }) => [...one.forwarded].map(([id, answer]) => ({ id, identity, there: answer.outcome })));
  return { delivered, forwarded, left: await listQueue(ctx) };
}
