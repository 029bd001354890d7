import type { PeerRecord } from '../../registry/schema.js';
import type { SessionContext } from '../context/session-context.js';
import type { WakeTrigger } from '../sessions/wake-decision.js';
import { type WakeOutcome, wakePeer } from '../sessions/wake-peer.js';
import { flushQueue } from './flush-queue.js';

/**
 * Wakes the identity as the wake decision says, then delivers the first message that wake
 * queued (the self-fresh handoff, the initial prompt), verified like any message. One that
 * cannot go now stays queued for the daemon.
 */
export async function wakeAndDeliver(ctx: SessionContext, peer: PeerRecord, runtime: string, trigger: WakeTrigger): Promise<WakeOutcome> {
  const wake = await wakePeer(ctx, peer, runtime, trigger);
  if (wake.outcome === 'woken' && wake.firstMessage !== undefined) {
    await flushQueue(ctx, { identities: [wake.identity], ignoreBackoff: true, until: wake.firstMessage });
  }
  return wake;
}
