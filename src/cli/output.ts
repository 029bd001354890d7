import type { Io } from './io.js';

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: Io, text: string): void {
  io.stdout.write(`${text}\n`);
}

/** Colour only for a terminal, and never with NO_COLOR. */
export function colorizer(io: Io, noColor: boolean): (code: number, text: string) => string {
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
export { escapeControl as shown } from '../core/terminal-text.js';
