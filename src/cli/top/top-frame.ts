import type { LogEntry } from '../../lifecycle/log/last-lines.js';
import type { PeerStatus } from '../../lifecycle/sessions/observe-fleet.js';
import type { StatusReport } from '../../lifecycle/supervise/status-report.js';
import { formatDuration } from '../output.js';
import type { Glyphs } from './glyphs.js';
import { fit, widthOf } from './text-width.js';
import { type Shown, type TopState, passes, selectedOf } from './top-state.js';

/** Everything one frame is drawn from. */
export interface FrameInput {
  readonly report: StatusReport | undefined;
  readonly lastEvent: (identity: string) => LogEntry | undefined;
  readonly logLines: (identity: string, count: number) => readonly LogEntry[];
  readonly state: TopState;
  readonly nowMs: number;
  readonly size: { readonly columns: number; readonly rows: number };
  readonly glyphs: Glyphs;
  readonly color: boolean;
  /** Actions under way, e.g. `stopping claude-boris`. */
  readonly pending: readonly string[];
}

export interface Frame {
  /** Exactly `size.rows` lines, each `size.columns` cells wide (the last one a cell less). */
  readonly lines: readonly string[];
  /** The rows the keys move among. */
  readonly shown: Shown;
  /** Where the cursor stands while a line is typed (1-based), else hidden. */
  readonly cursor: { readonly row: number; readonly column: number } | undefined;
}

const STATE_COLOURS: Readonly<Record<string, string>> = { live: '32', down: '90', stopped: '33', blocked: '31' };
const NEEDS_INPUT = '1;31';
/** Fewer body rows than this, and the header shrinks to its first line and the column titles. */
const MIN_BODY_ROWS = 3;
const FOOTER_ROWS = 2;

type Paint = (code: string, text: string) => string;

/** A frame of `top`: header, one row per identity shown, the line being typed or the last outcome, the keys. Pure. */
export function frame(input: FrameInput): Frame {
  const { columns, rows } = input.size;
  const paint: Paint = (code, text) => (input.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const all = rowsOf(input.report);
  const filter = input.state.mode.kind === 'filter' ? input.state.mode.text : input.state.filter;
  const visible = all.filter((row) => passes(filter, [row.identity, row.state, row.activity ?? '']));
  const identities = visible.map((row) => row.identity);
  const selected = selectedOf(input.state, identities);
  const fullHeader = headerLines(input, all.length, visible.length, filter, columns, paint);
  // A terminal too short for the whole header keeps its first line and the column titles.
  const header = rows - fullHeader.length - FOOTER_ROWS >= MIN_BODY_ROWS ? fullHeader : [fullHeader[0] ?? '', fullHeader.at(-1) ?? ''];
  const bodyRows = Math.max(0, rows - header.length - FOOTER_ROWS);
  const body =
    input.state.mode.kind === 'help'
      ? helpLines(input.glyphs)
      : input.state.mode.kind === 'log'
        ? logLines(input, input.state.mode.identity, bodyRows)
        : fleetLines(input, visible, selected, bodyRows, columns, paint);
  const footer = footerLines(input, columns, paint);
  const above = [...header, ...fill(body, bodyRows).map((line) => fitPainted(line, columns, input.glyphs))];
  // The key line is the last thing a tiny terminal loses.
  const lines = [...above.slice(0, Math.max(0, rows - footer.lines.length)), ...footer.lines].slice(-rows);
  return { lines, shown: { identities, page: Math.max(1, bodyRows - 1) }, cursor: footer.cursor };
}

/** A line that may hold colour codes, fit to `width` cells: lines are drawn plain unless painted whole. */
function fitPainted(line: string, width: number, glyphs: Glyphs): string {
  return line.includes('\x1b[') ? line : fit(line, width, glyphs);
}

function rowsOf(report: StatusReport | undefined): readonly PeerStatus[] {
  return report !== undefined && 'rows' in report.peers ? report.peers.rows : [];
}

function fill(lines: readonly string[], count: number): string[] {
  const out = lines.slice(0, count);
  while (out.length < count) out.push('');
  return out;
}

function daemonWords(report: StatusReport, nowMs: number): string {
  const { daemon } = report;
  if (daemon.kind === 'never-ran') return 'daemon not running';
  if (daemon.kind === 'unreadable') return 'daemon unknown';
  if (daemon.kind === 'stale') return `daemon stale (pid ${daemon.state.pid} gone)`;
  if (daemon.kind === 'stopped') return 'daemon stopped';
  const tick = daemon.state.lastTickAt === null ? 'no tick yet' : `last tick ${formatDuration(ageSeconds(daemon.state.lastTickAt, nowMs))} ago`;
  return `daemon running, ${tick}`;
}

function ageSeconds(iso: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
}

function headerLines(input: FrameInput, total: number, shown: number, filter: string, columns: number, paint: Paint): string[] {
  const { report, glyphs } = input;
  const clock = new Date(input.nowMs).toTimeString().slice(0, 8);
  if (report === undefined) return [fit(`iapeer top  reading the fleet${glyphs.ellipsis}`, columns, glyphs), '', '', '', ''];
  const { peers } = report;
  const first = fit(`iapeer top  ${daemonWords(report, input.nowMs)}`, Math.max(0, columns - clock.length - 1), glyphs) + ' ' + clock;
  const filtering = filter === '' ? '' : `  ${glyphs.separator} filter "${filter}": ${shown} shown`;
  const queue = fit(('problem' in report.queue ? `queue     unknown: ${report.queue.problem}` : `queue     ${report.queue.waiting} waiting, ${report.queue.setAside} set aside`) + filtering, columns, glyphs);
  if ('problem' in peers) return [first, fit(`peers     unknown: ${peers.problem}`, columns, glyphs), '', queue, columnTitles(widthsOf([]), glyphs, columns)];
  const states = `peers     ${total} identities: ${peers.counts.live} live, ${peers.counts.down} down, ${peers.counts.stopped} stopped, ${peers.counts.blocked} blocked`;
  const activity = fit(`activity  ${peers.activity.busy} busy, ${peers.activity.idle} idle, ${peers.activity['needs-input']} needs-input, ${peers.activity.unknown} unknown`, columns, glyphs);
  return [
    first,
    fit(states, columns, glyphs),
    peers.activity['needs-input'] > 0 ? paint(NEEDS_INPUT, activity) : activity,
    queue,
    paint('1', columnTitles(widthsOf(rowsOf(report)), glyphs, columns)),
  ];
}

interface Widths {
  readonly peer: number;
  readonly runtime: number;
}

const FIXED = [
  ['STATE', 8],
  ['ACTIVITY', 12],
  ['SINCE', 7],
  ['IDLE', 7],
  ['QUEUE', 6],
] as const;

function widthsOf(rows: readonly PeerStatus[]): Widths {
  const longest = (pick: (row: PeerStatus) => string, title: string, cap: number) =>
    Math.min(cap, Math.max(title.length, ...rows.map((row) => widthOf(pick(row))))) + 2;
  return { peer: longest((row) => row.personality, 'PEER', 24), runtime: longest((row) => row.runtime, 'RUNTIME', 16) };
}

function columnTitles(widths: Widths, glyphs: Glyphs, columns: number): string {
  const cells = ['  ' + fit('PEER', widths.peer, glyphs), fit('RUNTIME', widths.runtime, glyphs), ...FIXED.map(([title, width]) => fit(title, width, glyphs))];
  return fit(cells.join('') + 'LAST EVENT', columns, glyphs);
}

/** `12:04:31 deliver outcome=delivered id=…`: a log line without what the row already says. */
export function eventText(entry: LogEntry | undefined): string {
  if (entry === undefined) return '-';
  const { ts, ev, identity: _identity, personality: _personality, runtime: _runtime, ...rest } = entry.fields;
  const time = ts === undefined || Number.isNaN(Date.parse(ts)) ? '' : `${new Date(Date.parse(ts)).toTimeString().slice(0, 8)} `;
  const words = Object.entries(rest).map(([key, value]) => `${key}=${/[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value}`);
  return `${time}${[ev ?? '?', ...words].join(' ')}`;
}

function rowLine(input: FrameInput, widths: Widths, row: PeerStatus, isSelected: boolean, columns: number, paint: Paint): string {
  const { glyphs } = input;
  const needs = row.activity === 'needs-input';
  const since = row.activitySince === null ? '-' : formatDuration(ageSeconds(row.activitySince, input.nowMs));
  const plain = [
    (isSelected ? glyphs.selected : ' ') + (needs ? '!' : ' '),
    fit(row.personality, widths.peer, glyphs),
    fit(row.runtime, widths.runtime, glyphs),
  ].join('');
  const state = fit(row.state, FIXED[0][1], glyphs);
  const activity = fit(row.activity ?? '-', FIXED[1][1], glyphs);
  const tail = [fit(since, FIXED[2][1], glyphs), fit(formatDuration(row.idleSeconds), FIXED[3][1], glyphs), fit(row.waiting === 0 ? '-' : String(row.waiting), FIXED[4][1], glyphs)].join('');
  const used = widthOf(plain) + FIXED.reduce((sum, [, width]) => sum + width, 0);
  const event = fit(eventText(input.lastEvent(row.identity)), Math.max(0, columns - used), glyphs);
  const cut = (text: string, from: number) => fit(text, Math.max(0, Math.min(widthOf(text), columns - from)), glyphs);
  // Cut at the screen's edge, cell by cell, so that a narrow terminal loses the right-hand columns first.
  const parts: Array<readonly [string, string | undefined]> = [
    [plain, undefined],
    [state, STATE_COLOURS[row.state]],
    [activity, needs ? NEEDS_INPUT : undefined],
    [tail, undefined],
    [event, undefined],
  ];
  let at = 0;
  let line = '';
  for (const [text, colour] of parts) {
    const shown = cut(text, at);
    at += widthOf(shown);
    line += colour === undefined || isSelected ? shown : paint(colour, shown);
  }
  line += ' '.repeat(Math.max(0, columns - at));
  return isSelected ? paint('7', line) : line;
}

function fleetLines(input: FrameInput, visible: readonly PeerStatus[], selected: string | undefined, bodyRows: number, columns: number, paint: Paint): string[] {
  if (input.report === undefined) return [];
  if ('problem' in input.report.peers) return [`the registry cannot be read: ${input.report.peers.problem}`];
  if (visible.length === 0) return [input.state.filter === '' ? 'no peers yet: add one with iapeer add <peer> --runtime <runtime>' : 'no identity passes the filter (Esc clears it)'];
  const widths = widthsOf(rowsOf(input.report));
  const blocks = visible.map((row) => {
    const lines = [rowLine(input, widths, row, row.identity === selected, columns, paint)];
    if (row.activity === 'needs-input') lines.push(paint(NEEDS_INPUT, fit(`    ! ${row.attention === null || row.attention === '' ? 'needs input' : row.attention}`, columns, input.glyphs)));
    return lines;
  });
  // The first block shown is the first from which the selected one still fits.
  const at = Math.max(0, visible.findIndex((row) => row.identity === selected));
  let first = 0;
  const linesFrom = (start: number) => blocks.slice(start, at + 1).reduce((sum, block) => sum + block.length, 0);
  while (first < at && linesFrom(first) > bodyRows) first += 1;
  return blocks.slice(first).flat();
}

function logLines(input: FrameInput, identity: string, bodyRows: number): string[] {
  const entries = input.logLines(identity, Math.max(0, bodyRows - 1));
  const title = `log of ${identity} (the last ${entries.length} lines; Esc returns)`;
  return [title, ...(entries.length === 0 ? ['nothing logged about it yet'] : entries.map((entry) => eventText(entry)))];
}

function helpLines(glyphs: Glyphs): string[] {
  return [
    'keys',
    `  ${glyphs.upDown} or j/k   select a row (PgUp/PgDn, g/G: a page, the ends)`,
    '  Enter or a   attach to the selected peer (detach to come back here)',
    '  s / r        stop / start it',
    '  m            send it a message (typed on the bottom line; Enter sends, Esc drops)',
    '  e            send it a message written in $EDITOR',
    '  i            interrupt it (the runtime’s interrupt key)',
    '  l            its lifecycle log',
    '  /            filter the rows (Enter keeps the filter, Esc clears it)',
    '  ?            this help',
    '  q or Ctrl-C  quit',
    '',
    'rows marked ! need input: the line under them says what the agent asks',
    'any key returns',
  ].map((line) => (glyphs.utf8 ? line : line.replace(/’/g, "'")));
}

function footerLines(input: FrameInput, columns: number, paint: Paint): { lines: string[]; cursor: Frame['cursor'] } {
  const { glyphs, state } = input;
  const keys = fit(`q quit  ${glyphs.upDown} select  a attach  s stop  r start  m send  e editor  i interrupt  l log  / filter  ? help`, columns - 1, glyphs);
  const prompt = (label: string, text: string) => {
    const room = Math.max(1, columns - widthOf(label) - 1);
    const tail = [...text];
    while (widthOf(tail.join('')) > room - 1) tail.shift();
    const typed = tail.join('');
    return { line: fit(label + typed, columns, glyphs), column: Math.min(columns, widthOf(label) + widthOf(typed) + 1) };
  };
  const rowOfPrompt = Math.max(1, input.size.rows - 1);
  if (state.mode.kind === 'compose') {
    const { line, column } = prompt(`message to ${state.mode.identity}: `, state.mode.text);
    return { lines: [line, paint('2', keys)], cursor: { row: rowOfPrompt, column } };
  }
  if (state.mode.kind === 'filter') {
    const { line, column } = prompt('filter: ', state.mode.text);
    return { lines: [line, paint('2', keys)], cursor: { row: rowOfPrompt, column } };
  }
  const status = [...input.pending.map((what) => `${what}${glyphs.ellipsis}`), ...(state.status === undefined ? [] : [state.status])].join('  ');
  return { lines: [fit(status, columns, glyphs), paint('2', keys)], cursor: undefined };
}
