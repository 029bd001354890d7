import type { LogLevel } from '../core/config.js';
import type { LogValue } from '../core/text/logfmt.js';

export type LogFields = Readonly<Record<string, LogValue>>;

const REPEAT_WINDOW_MS = 60_000;
const MAX_REPEAT_KEYS = 1000;

/** A message as last seen, kept to summarize its suppressed repeats. */
export interface Sample {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: LogFields;
}

/** Repeats of one message that were counted, not written, up to `lastAt`. */
export interface RepeatSummary extends Sample {
  readonly repeated: number;
  readonly lastAt: number;
}

interface Entry {
  readonly since: number;
  count: number;
  lastAt: number;
  last: Sample;
}

export type RepeatDecision =
  | { readonly write: true; readonly repeated: number; readonly summaries: readonly RepeatSummary[] }
  | { readonly write: false; readonly summaries: readonly RepeatSummary[] };

/**
 * Which messages to write (pure, the clock passed in): a key seen again within `windowMs` of
 * its last written line is counted instead; the next one written after the window says how
 * many were skipped. Keys whose window passed are dropped, and at most `maxKeys` are kept
 * (oldest dropped first), so a daemon running for months holds a bounded table; a dropped key
 * with a count comes back as a summary for the writer, so no count is lost.
 */
export class RepeatLimiter {
  // Insertion order is the order of `since`: a key written again is deleted and re-added.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly maxKeys = MAX_REPEAT_KEYS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  see(key: string, now: number, sample: Sample): RepeatDecision {
    const entry = this.entries.get(key);
    if (entry && !this.expired(entry, now)) {
      entry.count++;
      entry.lastAt = now;
      entry.last = sample;
      return { write: false, summaries: this.sweep(now) };
    }
    this.entries.delete(key);
    this.entries.set(key, { since: now, count: 0, lastAt: now, last: sample });
    return { write: true, repeated: entry?.count ?? 0, summaries: this.sweep(now) };
  }

  /** Drops keys whose window passed, and the oldest beyond `maxKeys`; returns their counts. */
  sweep(now: number): RepeatSummary[] {
    const summaries: RepeatSummary[] = [];
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys && !this.expired(entry, now)) break;
      this.entries.delete(key);
      if (entry.count > 0) summaries.push({ ...entry.last, repeated: entry.count, lastAt: entry.lastAt });
    }
    return summaries;
  }

  /** Empties the table, returning every count not yet reported (for shutdown). */
  drain(): RepeatSummary[] {
    const summaries = [...this.entries.values()]
      .filter((entry) => entry.count > 0)
      .map((entry) => ({ ...entry.last, repeated: entry.count, lastAt: entry.lastAt }));
    this.entries.clear();
    return summaries;
  }

  /** A clock set back counts as a passed window, so it never silences a key for the jump. */
  private expired(entry: Entry, now: number): boolean {
    return now - entry.since >= this.windowMs || now < entry.since;
  }
}

/**
 * What makes two messages "the same" for rate-limiting: level, msg and every field that is
 * not a number (numbers are ages, durations and counts that change every time).
 */
export function repeatKey(level: LogLevel, msg: string, fields: LogFields): string {
  const kept = Object.entries(fields).filter(([, value]) => value !== undefined && typeof value !== 'number');
  return JSON.stringify([level, msg, kept]);
}
