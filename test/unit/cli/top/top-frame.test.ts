import { describe, expect, it } from 'vitest';
import { glyphsFor } from '../../../../src/cli/top/glyphs.js';
import { type FrameInput, eventText, frame } from '../../../../src/cli/top/top-frame.js';
import { INITIAL, type TopState } from '../../../../src/cli/top/top-state.js';
import { widthOf } from '../../../../src/cli/top/text-width.js';
import type { LogEntry } from '../../../../src/lifecycle/log/last-lines.js';
import type { PeerStatus } from '../../../../src/lifecycle/sessions/observe-fleet.js';
import type { StatusReport } from '../../../../src/lifecycle/supervise/status-report.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function row(personality: string, fields: Partial<PeerStatus> = {}): PeerStatus {
  return {
    personality,
    runtime: 'demo',
    identity: `demo-${personality}`,
    state: 'live',
    activity: 'idle',
    activitySince: new Date(NOW - 90_000).toISOString(),
    attention: null,
    idleSeconds: 90,
    pid: 1,
    alwaysOn: false,
    description: '',
    waiting: 0,
    sessionId: null,
    ...fields,
  };
}

function report(rows: PeerStatus[]): StatusReport {
  const counts = { live: 0, down: 0, stopped: 0, blocked: 0 };
  const activity = { busy: 0, idle: 0, 'needs-input': 0, unknown: 0 };
  for (const one of rows) {
    counts[one.state] += 1;
    if (one.activity !== null) activity[one.activity] += 1;
  }
  return { daemon: { kind: 'never-ran' }, peers: { rows, counts, activity, total: rows.length }, queue: { waiting: 2, setAside: 0 } };
}

const STOP: LogEntry = { line: '', fields: { ts: '2026-12-07T11:59:58.000Z', ev: 'stop', identity: 'demo-bob', was: 'live' } };

function input(rows: PeerStatus[], extra: Partial<FrameInput> = {}): FrameInput {
  return {
    report: report(rows),
    lastEvent: (identity) => (identity === 'demo-bob' ? STOP : undefined),
    logLines: () => [],
    state: INITIAL,
    nowMs: NOW,
    size: { columns: 80, rows: 24 },
    glyphs: glyphsFor({}),
    color: false,
    pending: [],
    ...extra,
  };
}

const FLEET = [
  row('alice'),
  row('bob', { state: 'stopped', activity: null, activitySince: null, idleSeconds: null }),
  row('carol', { state: 'down', activity: null, activitySince: null, idleSeconds: null, waiting: 2 }),
  row('dora', { activity: 'needs-input', attention: 'may I run rm -rf build?' }),
];

describe('a frame of top', () => {
  it('is exactly the terminal: as many lines as rows, none wider than the columns', () => {
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 40, rows: 10 },
      { columns: 200, rows: 60 },
    ]) {
      const { lines } = frame(input(FLEET, { size }));
      expect(lines).toHaveLength(size.rows);
      for (const line of lines) expect(widthOf(line)).toBeLessThanOrEqual(size.columns);
    }
  });

  it('has the header counts, one row per identity with its state, activity, queue and last event', () => {
    const { lines } = frame(input(FLEET));
    const text = lines.join('\n');
    expect(lines[0]).toMatch(/^iapeer top {2}daemon not running +\d\d:\d\d:\d\d$/);
    expect(lines[1]).toMatch(/^peers {5}4 identities: 2 live, 1 down, 1 stopped, 0 blocked *$/);
    expect(lines[2]).toMatch(/^activity {2}0 busy, 1 idle, 1 needs-input, 0 unknown *$/);
    expect(lines[3]).toMatch(/^queue {5}2 waiting, 0 set aside *$/);
    expect(lines[4]).toMatch(/^ {2}PEER +RUNTIME +STATE +ACTIVITY +SINCE +IDLE +QUEUE +LAST EVENT *$/);
    expect(text).toMatch(/^> alice +demo +live +idle +1m +1m +- +-/m);
    expect(text).toMatch(/^ {2}bob +demo +stopped +- +- +- +- +\d\d:\d\d:\d\d stop was=live/m);
    expect(text).toMatch(/^ {2}carol +demo +down +- +- +- +2 /m);
  });

  it('marks a row that needs input with ! and shows the runtime’s words under it', () => {
    const { lines } = frame(input(FLEET));
    const at = lines.findIndex((line) => line.startsWith(' !dora'));
    expect(lines[at]).toContain('needs-input');
    expect(lines[at + 1]).toMatch(/^ {4}! may I run rm -rf build\? *$/);
  });

  it('paints only with colour allowed', () => {
    expect(frame(input(FLEET)).lines.join('')).not.toContain('\x1b[');
    expect(frame(input(FLEET, { color: true })).lines.join('')).toContain('\x1b[');
  });

  it('keeps the selected row in view in a fleet taller than the screen', () => {
    const many = Array.from({ length: 50 }, (_, index) => row(`p${String(index).padStart(2, '0')}`));
    const state: TopState = { ...INITIAL, selected: 'demo-p49' };
    const { lines, shown } = frame(input(many, { state }));
    expect(shown.identities).toHaveLength(50);
    expect(lines.some((line) => line.startsWith('> p49'))).toBe(true);
    expect(lines.some((line) => line.startsWith('  p00'))).toBe(false);
  });

  it('shows the composer with the cursor after the text, and the filter with what it keeps', () => {
    const compose = frame(input(FLEET, { state: { ...INITIAL, mode: { kind: 'compose', identity: 'demo-alice', text: 'hi' } } }));
    expect(compose.lines[22]).toMatch(/^message to demo-alice: hi *$/);
    expect(compose.cursor).toEqual({ row: 23, column: 'message to demo-alice: hi'.length + 1 });
    const filtered = frame(input(FLEET, { state: { ...INITIAL, filter: 'car' } }));
    expect(filtered.shown.identities).toEqual(['demo-carol']);
    expect(filtered.lines[3]).toContain('filter "car": 1 shown');
  });

  it('tells a registry that cannot be read, and an empty fleet, in words', () => {
    const broken: StatusReport = { daemon: { kind: 'never-ran' }, peers: { problem: 'peers.json: not JSON', error: new Error('x') }, queue: { waiting: 0, setAside: 0 } };
    expect(frame({ ...input([]), report: broken }).lines.join('\n')).toContain('the registry cannot be read: peers.json: not JSON');
    expect(frame(input([])).lines.join('\n')).toContain('no peers yet');
  });
});

describe('eventText', () => {
  it('is the time and the line without what the row says; values with spaces quoted', () => {
    const entry: LogEntry = { line: '', fields: { ts: '2026-12-07T11:00:00.000Z', ev: 'attention', identity: 'demo-a', reason: 'permission', msg: 'may I?' } };
    expect(eventText(entry)).toMatch(/^\d\d:\d\d:\d\d attention reason=permission msg="may I\?"$/);
    expect(eventText(undefined)).toBe('-');
  });
});
