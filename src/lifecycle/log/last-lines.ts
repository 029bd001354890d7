import { type LogQuery, lineObject, selectLine } from './log-filter.js';
import { readLog } from './read-log.js';

/** A lifecycle log line as written, and its fields as `log --json` gives them. */
export interface LogEntry {
  readonly line: string;
  readonly fields: Record<string, string>;
}

/**
 * The last `count` lines of the lifecycle log and its rotated files that pass the query, oldest
 * first: what `iapeer log` with that query prints last. Lines that are not logfmt are left out.
 */
export async function lastLogLines(file: string, query: LogQuery, count: number): Promise<LogEntry[]> {
  const kept: LogEntry[] = [];
  for await (const lines of readLog(file, { notBeforeMs: query.sinceMs })) {
    for (const line of lines) {
      const fields = selectLine(line, query);
      if (!fields) continue;
      kept.push({ line, fields: lineObject(fields) });
      if (kept.length > count) kept.shift();
    }
  }
  return kept;
}
