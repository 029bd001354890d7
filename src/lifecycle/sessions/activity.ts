import { type AgentEvent, INTERRUPT_KIND, SPAWN_KIND } from '../../transport/events/event-line.js';

/**
 * What a live agent is doing (README, "Activity"), decided from its own events first, then
 * its screen's patterns, else unknown. Pure: the caller reads the events and, only when
 * `screenMatters` says the screen could change the answer, captures it.
 */

export type Activity = 'busy' | 'idle' | 'needs-input' | 'unknown';
export type ActivitySource = 'events' | 'screen' | 'none';

/** Which hooks the runtime reports through; they differ in what SessionStart means. */
export type EventWiring = 'claude' | 'codex' | 'demo';

export interface ScreenFacts {
  /** The runtime's busy pattern is on the screen. */
  readonly busy: boolean;
  /** The runtime's ready (empty composer) pattern is on the screen. */
  readonly ready: boolean;
}

export interface ActivityFacts {
  /** The last session's events, from its spawn mark on; undefined when the runtime reports none. */
  readonly events: readonly AgentEvent[] | undefined;
  readonly wiring?: EventWiring | undefined;
  /** Undefined when it was not captured (not needed, or the runtime has no patterns). */
  readonly screen?: ScreenFacts | undefined;
  readonly spawnedAtMs: number | undefined;
  /** The last output on the agent's terminal. */
  readonly lastOutputMs: number | undefined;
  readonly nowMs: number;
}

export interface ActivityVerdict {
  readonly activity: Activity;
  /** Milliseconds since the epoch. */
  readonly since: number;
  /** needs-input only: the runtime's words. */
  readonly attention?: string;
  /** needs-input only: `permission`, `dialog`, or the runtime's notification type. */
  readonly reason?: string;
  readonly source: ActivitySource;
}

/**
 * Claude reports nothing when a human presses Escape (at a dialog or in a turn): events that
 * say busy or needs-input and are older than this are checked against the screen.
 */
export const STALE_EVENTS_MS = 3000;

/** Claude's words for a permission dialog come ~6 s after its PermissionRequest; until then, these. */
export const PERMISSION_WORDS = 'permission requested';

const NEEDS_INPUT_TYPES: Readonly<Record<string, string>> = {
  permission_prompt: 'permission',
  agent_needs_input: 'dialog',
  elicitation_dialog: 'elicitation_dialog',
};

/** Events that end a turn: idle counts from the last of them. */
const TURN_ENDS = new Set(['Stop', 'Interrupt', INTERRUPT_KIND]);

interface Step {
  readonly activity: Activity;
  readonly attention?: string;
  readonly reason?: string;
}

/** What one event says, given what was said before it; undefined leaves it as it was. */
function stepOf(event: AgentEvent, wiring: EventWiring | undefined, before: Step | undefined): Step | undefined {
  switch (event.kind) {
    case 'UserPromptSubmit':
    case 'PreCompact':
    case 'PreToolUse':
    case 'PostToolUse':
      return { activity: 'busy' };
    case 'SessionStart':
      // Codex starts its session lazily, right before the first prompt's turn.
      return { activity: wiring === 'codex' ? 'busy' : 'idle' };
    case 'Stop':
    case 'Interrupt':
      return { activity: 'idle' };
    case INTERRUPT_KIND:
      // iapeer's own mark means something only for a runtime that reports its turns.
      return before === undefined ? undefined : { activity: 'idle' };
    case 'PermissionRequest':
      return { activity: 'needs-input', reason: 'permission', attention: PERMISSION_WORDS };
    case 'Notification': {
      const reason = event.notificationType === undefined ? undefined : NEEDS_INPUT_TYPES[event.notificationType];
      if (reason === undefined) return undefined;
      return { activity: 'needs-input', reason, attention: event.message ?? event.notificationType ?? reason };
    }
    case 'SessionEnd':
      return { activity: 'unknown' };
    default:
      return undefined;
  }
}

/** The events' own verdict, since it last changed; undefined when they say nothing (only the spawn mark, say). */
export function eventsVerdict(events: readonly AgentEvent[], wiring?: EventWiring): (ActivityVerdict & { lastEventAt: number }) | undefined {
  let step: Step | undefined;
  let since = 0;
  let lastEventAt = 0;
  for (const event of events) {
    if (event.kind === SPAWN_KIND) continue;
    const next = stepOf(event, wiring, step);
    if (next === undefined) continue;
    lastEventAt = event.at;
    // A Notification that follows its PermissionRequest brings the words, not a new episode;
    // the end of a turn always restarts the idle clock.
    if (step?.activity !== next.activity || TURN_ENDS.has(event.kind)) since = event.at;
    step = next;
  }
  if (step === undefined) return undefined;
  const words = step.activity === 'needs-input' ? { attention: step.attention ?? '', reason: step.reason ?? 'dialog' } : {};
  return { activity: step.activity, since, ...words, source: 'events', lastEventAt };
}

/** Whether a screen capture could change the verdict: no events decide, or they are stale busy/needs-input. */
export function screenMatters(facts: Omit<ActivityFacts, 'screen'>): boolean {
  const verdict = facts.events === undefined ? undefined : eventsVerdict(facts.events, facts.wiring);
  if (verdict === undefined) return true;
  return isStale(verdict, facts.nowMs);
}

function isStale(verdict: { activity: Activity; lastEventAt: number }, nowMs: number): boolean {
  return (verdict.activity === 'busy' || verdict.activity === 'needs-input') && nowMs - verdict.lastEventAt > STALE_EVENTS_MS;
}

/** The screen's own verdict, dated from its last change (when it was drawn so). */
function screenVerdict(screen: ScreenFacts, quietSince: number): ActivityVerdict | undefined {
  if (screen.busy) return { activity: 'busy', since: quietSince, source: 'screen' };
  if (screen.ready) return { activity: 'idle', since: quietSince, source: 'screen' };
  return undefined;
}

export function decideActivity(facts: ActivityFacts): ActivityVerdict {
  const verdict = facts.events === undefined ? undefined : eventsVerdict(facts.events, facts.wiring);
  const quietSince = facts.lastOutputMs ?? facts.spawnedAtMs ?? facts.nowMs;
  if (verdict !== undefined) {
    const { lastEventAt, ...shown } = verdict;
    if (facts.screen === undefined || !isStale(verdict, facts.nowMs)) return shown;
    // An Escape typed by a human: the ready composer is back, nothing works.
    if (facts.screen.ready && !facts.screen.busy) return { activity: 'idle', since: Math.max(quietSince, lastEventAt), source: 'screen' };
    // The human answered the dialog and the turn goes on.
    if (verdict.activity === 'needs-input' && facts.screen.busy) return { activity: 'busy', since: lastEventAt, source: 'screen' };
    return shown;
  }
  const fromScreen = facts.screen === undefined ? undefined : screenVerdict(facts.screen, quietSince);
  return fromScreen ?? { activity: 'unknown', since: facts.spawnedAtMs ?? facts.nowMs, source: 'none' };
}
