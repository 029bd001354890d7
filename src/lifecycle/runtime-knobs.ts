import type { Runtime } from '../runtimes/runtime.js';
import type { DeliveryKnobs } from '../transport/composer.js';

export const DEFAULT_SETTLE_MS = 200;
export const DEFAULT_ENTER_RETRIES = 3;

/**
 * What the demo agent draws: its composer line `demo> <text>` and, while it works, a
 * `(working…` footer. Stopgap until builtin-runtimes.ts sets these on `demo` and
 * runtimes.json accepts them: they apply to the built-in `demo` and to any runtime that
 * runs the demo agent (test fixtures with other flags), when the runtime sets none itself.
 */
const DEMO_KNOBS: Pick<Runtime, 'composer' | 'busy' | 'settleMs' | 'enterRetries'> = {
  composer: /^demo> .*\S/,
  busy: /^\(working/,
  settleMs: 50,
  enterRetries: 3,
};

function runsDemoAgent(runtime: Runtime): boolean {
  return runtime.name === 'demo' || runtime.fresh.some((arg) => /(?:^|\/)demo-agent\.c?js$/.test(arg));
}

/** The runtime's delivery settings, as the transport layer takes them. */
export function deliveryKnobsOf(runtime: Runtime): DeliveryKnobs {
  const own = runtime.composer !== undefined || runtime.composerEmpty !== undefined;
  const demo = !own && runsDemoAgent(runtime) ? DEMO_KNOBS : undefined;
  return {
    composer: runtime.composer ?? demo?.composer,
    composerEmpty: runtime.composerEmpty,
    busy: runtime.busy ?? demo?.busy,
    settleMs: runtime.settleMs ?? demo?.settleMs ?? DEFAULT_SETTLE_MS,
    enterRetries: runtime.enterRetries ?? demo?.enterRetries ?? DEFAULT_ENTER_RETRIES,
  };
}
