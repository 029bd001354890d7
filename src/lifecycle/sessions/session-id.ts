import { type Paths, eventsFileOf } from '../../core/paths.js';
import { readSessionEvents, readSessionEventsSync } from '../../transport/events/agent-events.js';
import { sessionIdOf } from '../../transport/events/event-line.js';

/**
 * The runtime's session id of an identity's last session: the one its own events reported
 * last (Codex's first hook, Claude's SessionStart after a `/clear`), else the one iapeer
 * gave it at spawn (written in the spawn mark). Undefined when none is known.
 */
export async function recordedSessionId(paths: Paths, identity: string): Promise<string | undefined> {
  try {
    return sessionIdOf(await readSessionEvents(eventsFileOf(paths, identity)));
  } catch {
    // An events file that cannot be read names no session: the wake starts fresh.
    return undefined;
  }
}

/** `recordedSessionId` for `list`, synchronous. */
export function lastSessionIdSync(paths: Paths, identity: string): string | null {
  return sessionIdOf(readSessionEventsSync(eventsFileOf(paths, identity))) ?? null;
}
