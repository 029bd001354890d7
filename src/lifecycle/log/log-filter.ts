import { parseDuration, parseIsoTime } from '../../core/text/duration.js';
import { UsageError } from '../../core/errors.js';
import { parseLine } from '../../core/text/logfmt.js';
import { isPersonality, tryParseIdentity } from '../../core/names.js';
import type { LifecycleEvent } from './events.js';

// A record over the event type, so that an event added to events.ts and not here fails to compile.
const EVENTS: Readonly<Record<LifecycleEvent['ev'], true>> = {
  add: true,
  blocker: true,
  compact: true,
  daemon: true,
  deliver: true,
  interrupt: true,
  notify: true,
  remove: true,
  'self-fresh': true,
  start: true,
  stop: true,
  supervise: true,
  wake: true,
  attention: true,
};

/** Every `ev=` the lifecycle log holds, for `log --ev`. */
export const LOG_EVENTS: readonly string[] = Object.keys(EVENTS).sort();

/** What `iapeer log` keeps; every filter given must hold (AND). */
export interface LogQuery {
  /** A personality or an identity. */
  readonly peer?: string;
  readonly ev?: string;
  /** Epoch milliseconds: lines stamped earlier are left out. */
  readonly sinceMs?: number;
}

export interface LogQueryInput {
  readonly peer?: string | undefined;
  readonly ev?: string | undefined;
  readonly since?: string | undefined;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** The likeliest intended word for a mistyped one, if any (the CLI's spelling helper). */
export type Suggest = (word: string, candidates: readonly string[]) => string | undefined;

/** Validates `log`'s filters; a bad one is a usage error (exit 2) saying what is expected. */
export function parseLogQuery(input: LogQueryInput, now: Date, suggest: Suggest = () => undefined): LogQuery {
  const query: { peer?: string; ev?: string; sinceMs?: number } = {};
  if (input.peer !== undefined) {
    if (!isPersonality(input.peer) && tryParseIdentity(input.peer) === undefined) {
      throw new UsageError(`--peer: ${quoted(input.peer)} is neither a peer name (e.g. boris) nor an identity (e.g. claude-boris)`);
    }
    query.peer = input.peer;
  }
  if (input.ev !== undefined) {
    if (!LOG_EVENTS.includes(input.ev)) {
      const guess = suggest(input.ev, LOG_EVENTS);
      const hint = guess === undefined ? '' : `did you mean ${guess}? `;
      throw new UsageError(`--ev: unknown event ${quoted(input.ev)}; ${hint}the events are ${LOG_EVENTS.join(', ')}`);
    }
    query.ev = input.ev;
  }
  if (input.since !== undefined) {
    const span = parseDuration(input.since);
    const sinceMs = span === undefined ? parseIsoTime(input.since) : now.getTime() - span;
    if (sinceMs === undefined) {
      throw new UsageError(
        `--since: expected a duration such as 90s, 15m, 2h, 1d (or 1h30m), or an ISO 8601 time such as 2026-01-31T09:00Z; got ${quoted(input.since)}`,
      );
    }
    query.sinceMs = sinceMs;
  }
  return query;
}

export function isEmptyQuery(query: LogQuery): boolean {
  return query.peer === undefined && query.ev === undefined && query.sinceMs === undefined;
}

/** The personality part of an identity (split on the first `-`), or undefined. */
function personalityOf(identity: string): string | undefined {
  return tryParseIdentity(identity)?.personality;
}

/**
 * A line is about `peer` when its identity is it or belongs to it, or its personality is
 * it; for an identity, a line naming the personality counts unless it names another runtime.
 */
export function isAboutPeer(fields: ReadonlyMap<string, string>, peer: string): boolean {
  const identity = fields.get('identity');
  if (identity !== undefined && (identity === peer || personalityOf(identity) === peer)) return true;
  const personality = fields.get('personality');
  if (personality === undefined) return false;
  if (personality === peer) return true;
  const asIdentity = tryParseIdentity(peer);
  if (asIdentity === undefined || asIdentity.personality !== personality) return false;
  const runtime = fields.get('runtime');
  return runtime === undefined || runtime === asIdentity.runtime;
}

/** The `ts` of a line as written (`ts=` first), without parsing the rest; NaN if there is none. */
export function timeOfLine(line: string): number {
  if (!line.startsWith('ts=')) return Number.NaN;
  const end = line.indexOf(' ');
  return Date.parse(line.slice(3, end === -1 ? undefined : end));
}

/** A selected line: its fields, or null when it is not logfmt. */
export type Selected = ReadonlyMap<string, string> | null;

/**
 * Whether a line passes the query: its fields if so (null for a line that is not logfmt,
 * kept only by an empty query, since no filter can be said to hold for it), undefined if
 * not. Cheap substring tests run first, so most lines of a big log are never parsed.
 */
export function selectLine(line: string, query: LogQuery): Selected | undefined {
  if (line === '') return undefined;
  if (query.ev !== undefined && !line.includes(`ev=${query.ev}`)) return undefined;
  if (query.peer !== undefined && !line.includes(tryParseIdentity(query.peer)?.personality ?? query.peer)) return undefined;
  if (query.sinceMs !== undefined && !(timeOfLine(line) >= query.sinceMs)) return undefined;
  const fields = parseLine(line);
  if (fields === undefined) return isEmptyQuery(query) ? null : undefined;
  if (query.ev !== undefined && fields.get('ev') !== query.ev) return undefined;
  if (query.peer !== undefined && !isAboutPeer(fields, query.peer)) return undefined;
  return fields;
}

/** A line's fields as a JSON object: every value a string, `ts` first. */
export function lineObject(fields: ReadonlyMap<string, string>): Record<string, string> {
  const object: Record<string, string> = {};
  const set = (key: string, value: string) => {
    // Assigned, a key named __proto__ would set the prototype instead of a field.
    if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  };
  const ts = fields.get('ts');
  if (ts !== undefined) set('ts', ts);
  for (const [key, value] of fields) if (key !== 'ts') set(key, value);
  return object;
}
