import type { AppContext } from '../context/app-context.js';
import { type DeliveredHow, flushQueue } from './flush-queue.js';
import { type QueueRow, listQueue } from './list-queue.js';

export interface FlushNowResult {
  /** What the flush delivered, in the order it went. */
  readonly delivered: ReadonlyArray<{ readonly id: string; readonly identity: string; readonly outcome: DeliveredHow }>;
  /** What is still in the queue afterwards, waiting or set aside. */
  readonly left: readonly QueueRow[];
}

/** `queue --flush`: delivers what can go now, backoff or not (waking down peers), and says what went and what is left. */
export async function flushNow(ctx: AppContext): Promise<FlushNowResult> {
  const report = await flushQueue(ctx, { ignoreBackoff: true });
  const delivered = [...report.delivered].map(([id, { identity, outcome }]) => ({ id, identity, outcome }));
  return { delivered, left: await listQueue(ctx) };
}
