import type { Io } from './io.js';

/** The one form of every `--json` document: indented by 2 on a terminal, on one line in a pipe. */
function jsonText(io: Io, value: unknown): string {
  return io.stdoutIsTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${jsonText(io, value)}\n`);
}

/** A JSON array made piece by piece (a long log), in the very form printJson gives the whole array. */
export function jsonArrayWriter(io: Io): { item(value: unknown): string; end(): string } {
  const pretty = io.stdoutIsTTY;
  let count = 0;
  return {
    item: (value) => {
      // A JSON text holds no raw newline but its indentation, which moves in by one level.
      const text = pretty ? jsonText(io, value).replace(/\n/g, '\n  ') : jsonText(io, value);
      const separator = count === 0 ? '[' : ',';
      count += 1;
      return `${separator}${pretty ? '\n  ' : ''}${text}`;
    },
    end: () => (count === 0 ? '[]\n' : pretty ? '\n]\n' : ']\n'),
  };
}

/** One JSON document of a stream (`log --follow --json`): each on its own line in a pipe. */
export function jsonLine(io: Io, value: unknown): string {
  return `${jsonText(io, value)}\n`;
}

export function printLine(io: Io, text: string): void {
  io.stdout.write(`${text}\n`);
}

/** Colour only for a terminal, and never with NO_COLOR. */
export function colorizer(io: Io, noColor: boolean): (code: number | string, text: string) => string {
  const enabled = io.stdoutIsTTY && !noColor;
  return (code, text) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
}

/** Left-aligned columns; the last column is not padded. `width` ignores colour codes. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  // eslint-disable-next-line no-control-regex -- strip SGR colour codes to measure
  const visible = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = header.map((title, column) => Math.max(visible(title), ...rows.map((row) => visible(row[column] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visible(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Text from users or files, safe to print: control characters shown as escapes, never obeyed. */
export { escapeControl as shown } from '../core/text/terminal-text.js';

/** Edits (insert, delete, substitute, swap two neighbours) between two words. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate a mistyped word most likely meant (one edit per three letters at most), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** A submitted message, as send and queue --flush tell it; `unverified` says nothing could confirm it arrived. */
export function deliveredPhrase(outcome: 'delivered' | 'woken-delivered' | 'unverified' | 'duplicate', identity: string): string {
  if (outcome === 'duplicate') return `already held by ${identity}'s host: not delivered twice`;
  if (outcome === 'unverified') return `submitted to ${identity}, unverified: nothing on its screen could confirm it arrived`;
  return `${outcome === 'woken-delivered' ? 'woke and delivered to' : 'delivered to'} ${identity}`;
}
