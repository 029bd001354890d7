import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { type Paths, eventsFileOf } from '../../core/paths.js';
import { readSessionEvents } from '../../transport/events/agent-events.js';
import { type AgentEvent, SPAWN_KIND, lastSession, parseEventLine, sessionIdOf } from '../../transport/events/event-line.js';

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

/** What `list` reads of the file's end: the last id is almost always on its last line. */
const LIST_TAIL_BYTES = 64 * 1024;
/** The hook caps the file near 1 MiB (`ulimit -f`); more than this is not an events file. */
const MAX_BYTES = 4 * 1024 * 1024;

function readTailSync(file: string, bytes: number): { text: string; whole: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_BYTES) return undefined;
    const from = Math.max(0, info.size - bytes);
    const buffer = Buffer.alloc(info.size - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    const text = buffer.toString('utf8', 0, read);
    // A cut first line is not an event.
    return { text: from > 0 ? text.slice(text.indexOf('\n') + 1) : text, whole: from === 0 };
  } finally {
    closeSync(fd);
  }
}

function eventsIn(text: string): AgentEvent[] {
  return text.split('\n').flatMap((line) => {
    const event = line === '' ? undefined : parseEventLine(line);
    return event === undefined ? [] : [event];
  });
}

/**
 * `recordedSessionId` for `list`, synchronous and from the file's end: an id found after the
 * last spawn mark, or with no mark in the tail, is the last session's; the whole file is read
 * only when the tail names no id and holds no mark.
 */
export function lastSessionIdSync(paths: Paths, identity: string): string | null {
  const file = eventsFileOf(paths, identity);
  try {
    const tail = readTailSync(file, LIST_TAIL_BYTES);
    if (tail === undefined) return null;
    const events = eventsIn(tail.text);
    const found = sessionIdOf(lastSession(events));
    if (found !== undefined || tail.whole || events.some((event) => event.kind === SPAWN_KIND)) return found ?? null;
    const all = readTailSync(file, MAX_BYTES);
    return all === undefined ? null : (sessionIdOf(lastSession(eventsIn(all.text))) ?? null);
  } catch {
    return null;
  }
}
