/**
 * One line of an identity's events file: `<kind> <unix seconds> <payload>`. The hook writes
 * the runtime's own JSON payload cut at a bounded length, so it may end mid-document: fields
 * are read with patterns when the whole does not parse.
 */

export interface AgentEvent {
  /** The runtime's event name (`SessionStart`, `UserPromptSubmit`, `Stop`, …) or iapeer's own (`iapeer-spawn`, `iapeer-interrupt`). */
  readonly kind: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly sessionId?: string;
  /** The id of the first `[iap from=… topic=… id=<id>]` header in a submitted prompt. */
  readonly envelopeId?: string;
  readonly notificationType?: string;
  /** The runtime's own words (a Notification's `message`). */
  readonly message?: string;
  /** How a session started: `startup`, `resume`, `compact`, `clear`. */
  readonly source?: string;
  /** iapeer-spawn: how the session was started. */
  readonly mode?: 'fresh' | 'resume';
}

export const SPAWN_KIND = 'iapeer-spawn';
export const INTERRUPT_KIND = 'iapeer-interrupt';

const LINE = /^([A-Za-z][A-Za-z0-9-]{0,63}) (\d{1,12}) (.*)$/s;
const ENVELOPE = /\[iap from=[^\s\]]+ topic=[^\s\]]+ id=([A-Za-z0-9-]+)\]/;

type Payload = Record<string, unknown>;

function parsePayload(text: string): Payload | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Payload) : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON string's value, unescaped; undefined when the text holds no complete one. */
function unescapeJsonString(body: string): string | undefined {
  try {
    const value: unknown = JSON.parse(`"${body}"`);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `"<key>":"<value>"` from a document that may be cut short. */
function stringField(payload: Payload | undefined, raw: string, key: string): string | undefined {
  if (payload !== undefined) {
    const value = payload[key];
    return typeof value === 'string' ? value : undefined;
  }
  const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(raw);
  return match?.[1] === undefined ? undefined : unescapeJsonString(match[1]);
}

/** The prompt's envelope id: the header may be cut off from its closing quote, so the raw text is searched. */
function envelopeIdOf(payload: Payload | undefined, raw: string): string | undefined {
  const prompt = payload?.['prompt'];
  const text = typeof prompt === 'string' ? prompt : raw.slice(Math.max(0, raw.indexOf('"prompt"')));
  if (payload === undefined && !raw.includes('"prompt"')) return undefined;
  return ENVELOPE.exec(text)?.[1];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function parseEventLine(line: string): AgentEvent | undefined {
  const match = LINE.exec(line.trimEnd());
  if (!match) return undefined;
  const [, kind = '', seconds = '0', raw = ''] = match;
  const payload = parsePayload(raw);
  const mode = stringField(payload, raw, 'mode');
  const fields: Array<[keyof AgentEvent, string | undefined]> = [
    ['sessionId', nonEmpty(stringField(payload, raw, 'session_id'))],
    ['envelopeId', envelopeIdOf(payload, raw)],
    ['notificationType', nonEmpty(stringField(payload, raw, 'notification_type'))],
    ['message', nonEmpty(stringField(payload, raw, 'message'))],
    ['source', nonEmpty(stringField(payload, raw, 'source'))],
    ['mode', kind === SPAWN_KIND && (mode === 'fresh' || mode === 'resume') ? mode : undefined],
  ];
  const event: Record<string, unknown> = { kind, at: Number(seconds) * 1000 };
  for (const [key, value] of fields) if (value !== undefined) event[key] = value;
  return event as unknown as AgentEvent;
}

/** The line iapeer writes for one of its own marks. */
export function formatEventLine(kind: string, atMs: number, payload: Record<string, unknown>): string {
  return `${kind} ${Math.floor(atMs / 1000)} ${JSON.stringify(payload)}\n`;
}

/** The events of the last session: from the last spawn mark on (all of them when there is none). */
export function lastSession(events: readonly AgentEvent[]): AgentEvent[] {
  let start = 0;
  for (let index = events.length - 1; index >= 0; index -= 1) {
    if (events[index]?.kind === SPAWN_KIND) {
      start = index;
      break;
    }
  }
  return events.slice(start);
}

/** The last session id the session's events name: the runtime's own, or the one iapeer chose at spawn. */
export function sessionIdOf(events: readonly AgentEvent[]): string | undefined {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const id = events[index]?.sessionId;
    if (id !== undefined) return id;
  }
  return undefined;
}
