import { tryParseIdentity } from '../../core/names.js';
import { followLog } from './follow-log.js';
import type { LogEntry } from './last-lines.js';
import { lineObject, selectLine } from './log-filter.js';

/** How many lines are kept per identity (and per personality, for lines naming no runtime). */
const KEEP = 200;
/** Rotated files that end earlier than this are not read at the start. */
const BACKLOG_MS = 24 * 3600_000;

interface Kept {
  readonly seq: number;
  readonly entry: LogEntry;
}

/**
 * The lifecycle log followed as it is written (`iapeer log --follow`'s reader), with the last
 * lines about each identity at hand: what `top` shows as an identity's last event and log.
 * A line is about an identity as `log --peer <identity>` has it (log-filter.ts, isAboutPeer):
 * its identity, or its personality with that runtime or none.
 */
export class LogTail {
  private readonly byKey = new Map<string, Kept[]>();
  private seq = 0;

  constructor(private readonly file: string) {}

  /** Reads the log to its end, then follows it until `signal` aborts; `onLines` after each batch. */
  async follow(signal: AbortSignal, onLines: () => void = () => undefined, nowMs = Date.now()): Promise<void> {
    for await (const lines of followLog(this.file, { signal, notBeforeMs: nowMs - BACKLOG_MS })) {
      for (const line of lines) this.add(line);
      if (lines.length > 0) onLines();
    }
  }

  /** Takes one line of the log in (follow does it for each). */
  add(line: string): void {
    const fields = selectLine(line, {});
    if (fields === undefined || fields === null) return;
    const key = keyOf(fields);
    if (key === undefined) return;
    const kept = this.byKey.get(key) ?? [];
    kept.push({ seq: this.seq++, entry: { line, fields: lineObject(fields) } });
    if (kept.length > KEEP) kept.shift();
    this.byKey.set(key, kept);
  }

  /** The last `count` lines about `identity`, oldest first. */
  linesAbout(identity: string, count: number): LogEntry[] {
    const personality = tryParseIdentity(identity)?.personality;
    const own = this.byKey.get(`id:${identity}`) ?? [];
    const shared = personality === undefined ? [] : (this.byKey.get(`p:${personality}`) ?? []);
    return [...own.slice(-count), ...shared.slice(-count)]
      .sort((a, b) => a.seq - b.seq)
      .slice(-count)
      .map(({ entry }) => entry);
  }

  /** The last line about `identity`, if any. */
  lastAbout(identity: string): LogEntry | undefined {
    return this.linesAbout(identity, 1)[0];
  }
}

/** Where a line is filed: its identity, else its personality with its runtime, else the personality alone. */
function keyOf(fields: ReadonlyMap<string, string>): string | undefined {
  const identity = fields.get('identity');
  if (identity !== undefined) return `id:${identity}`;
  const personality = fields.get('personality');
  if (personality === undefined) return undefined;
  const runtime = fields.get('runtime');
  return runtime === undefined ? `p:${personality}` : `id:${runtime}-${personality}`;
}
