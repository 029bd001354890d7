import { eventsFileOf } from '../../core/paths.js';
import type { Runtime } from '../../runtimes/runtime.js';
import { readSessionEvents } from '../../transport/events/agent-events.js';
import type { AgentEvent } from '../../transport/events/event-line.js';
import type { AppContext } from '../context/app-context.js';

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
