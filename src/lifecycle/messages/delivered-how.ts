import type { DeliverConfirmation } from '../log/events.js';
import type { DeliveryOutcome } from '../../transport/screen/deliver-text.js';

/** `unverified`: pasted and submitted (woken first or not), but nothing could confirm it. */
export type DeliveredHow = 'delivered' | 'woken-delivered' | 'unverified';

/**
 * A delivery that submitted the message, as `send` reports it and the log records it:
 * confirmed (`delivered`, or `woken-delivered` after a wake this flush did) or `unverified`;
 * undefined for any other outcome. `hooksReport`, for a runtime with event wiring: whether its
 * hooks report anything in this session; if they do, only their report of the message confirms
 * it, and the screen's word is not enough (asked only when the screen was all that confirmed it).
 */
export async function deliveredHow(
  result: DeliveryOutcome,
  woke: boolean,
  hooksReport?: () => Promise<boolean>,
): Promise<{ outcome: DeliveredHow; confirmed: DeliverConfirmation } | undefined> {
  if (result.outcome === 'unverified') return { outcome: 'unverified', confirmed: 'none' };
  if (result.outcome !== 'delivered') return undefined;
  if (result.confirmed !== 'hook' && hooksReport !== undefined && (await hooksReport())) return { outcome: 'unverified', confirmed: 'none' };
  return { outcome: woke ? 'woken-delivered' : 'delivered', confirmed: result.confirmed };
}
