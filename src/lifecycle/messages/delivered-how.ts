import type { DeliverConfirmation } from '../log/events.js';
import type { DeliveryOutcome } from '../../transport/screen/deliver-text.js';

/** `unverified`: pasted and submitted (woken first or not), but nothing could confirm it. */
export type DeliveredHow = 'delivered' | 'woken-delivered' | 'unverified';

/**
 * A delivery that submitted the message, as `send` reports it and the log records it:
 * confirmed (`delivered`, or `woken-delivered` after a wake this flush did) or `unverified`;
 * undefined for any other outcome. `reportsPrompts`: the runtime's hooks report submitted
 * prompts in this session, so only that report confirms one; the screen's word is not enough.
 */
export function deliveredHow(result: DeliveryOutcome, woke: boolean, reportsPrompts = false): { outcome: DeliveredHow; confirmed: DeliverConfirmation } | undefined {
  if (result.outcome === 'unverified') return { outcome: 'unverified', confirmed: 'none' };
  if (result.outcome !== 'delivered') return undefined;
  if (reportsPrompts && result.confirmed !== 'hook') return { outcome: 'unverified', confirmed: 'none' };
  return { outcome: woke ? 'woken-delivered' : 'delivered', confirmed: result.confirmed };
}
