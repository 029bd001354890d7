import type { Runtime } from '../../runtimes/runtime.js';
import type { DeliveryKnobs } from '../../transport/screen/composer.js';

export const DEFAULT_SETTLE_MS = 200;
export const DEFAULT_ENTER_RETRIES = 3;

/** The runtime's delivery settings, as the transport layer takes them. */
export function deliveryKnobsOf(runtime: Runtime): DeliveryKnobs {
  return {
    ready: runtime.ready,
    composer: runtime.composer,
    composerEmpty: runtime.composerEmpty,
    busy: runtime.busy,
    settleMs: runtime.settleMs ?? DEFAULT_SETTLE_MS,
    enterRetries: runtime.enterRetries ?? DEFAULT_ENTER_RETRIES,
  };
}
