import { eventsFileOf } from '../../core/paths.js';
import type { Runtime } from '../../runtimes/runtime.js';
import { readSessionEvents } from '../../transport/events/agent-events.js';
import type { AgentEvent } from '../../transport/events/event-line.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context/app-context.js';
import type { ActivityVerdict } from '../sessions/activity.js';

/**
 * What a runtime's own events (its hooks, src/transport/events) say of a delivery: whether it
 * reported the message's id as a submitted prompt, and whether its hooks report at all in this
 * session — if they do, nothing but that report confirms a delivery.
 */
export interface AgentReport {
  /** Whether the runtime reported a submitted prompt whose header carries `id`. */
  reported(id: string): Promise<boolean>;
  /** Whether the session's hooks reported anything of their own since the spawn. */
  reports(): Promise<boolean>;
}

export function isSubmitOf(event: AgentEvent, id: string): boolean {
  return event.kind === 'UserPromptSubmit' && event.envelopeId === id;
}

/** A line the runtime's hook wrote, not one of iapeer's own marks. */
export function isRuntimeEvent(event: AgentEvent): boolean {
  return !event.kind.startsWith('iapeer-');
}

/** Undefined for a runtime without event wiring: its screen is all there is. */
export function agentReportOf(ctx: AppContext, identity: string, runtime: Runtime): AgentReport | undefined {
  if (runtime.wiring === undefined) return undefined;
  const file = eventsFileOf(ctx.paths, identity);
  return {
    reported: async (id) => (await readSessionEvents(file)).some((event) => isSubmitOf(event, id)),
    reports: async () => (await readSessionEvents(file)).some(isRuntimeEvent),
  };
}

/** How long a delivery waits for a busy turn to end, or a human to answer, before the message is queued. */
export const GATE_WAIT_MS = 5000;
const GATE_POLL_MS = 150;

/**
 * The delivery's gate for a runtime whose events tell its activity: never paste into a turn
 * (the runtime would queue it and may fold it into another prompt: FINDINGS §9.1) nor into a
 * dialog waiting on a human. Waits a little for either to end; then says why not.
 */
export async function waitUntilFree(activityNow: () => Promise<ActivityVerdict | null>, waitMs = GATE_WAIT_MS): Promise<'go' | 'busy' | 'needs-input'> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const activity = (await activityNow())?.activity;
    if (activity !== 'busy' && activity !== 'needs-input') return 'go';
    if (Date.now() >= deadline) return activity;
    await sleep(GATE_POLL_MS);
  }
}
