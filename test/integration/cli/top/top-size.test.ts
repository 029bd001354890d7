// `iapeer top` over 50 identities on real terminals (a tmux server of its own): every one
// counted, the selection scrolled to the last and drawn; an 80×24 terminal drawn whole; a
// resize while it runs redrawn to the new size, however small.
import { beforeAll, describe, expect, it } from 'vitest';
import { scaled } from '../../../helpers/deadline.js';
import { expectOk, workDir } from '../../../helpers/fleet.js';
import { type Terminal, openTerminal, topRows } from '../../../helpers/terminal.js';
import { useHome } from '../../../helpers/use-home.js';
import { pathsFor } from '../../../../src/core/paths.js';
import { newPeerRecord, withPeer } from '../../../../src/registry/schema.js';
import { updateRegistry } from '../../../../src/registry/update-registry.js';

const NAMES = Array.from({ length: 50 }, (_, index) => `p${String(index + 1).padStart(2, '0')}`);
const HEADER = /^peers {5}50 identities: 1 live, 49 down, 0 stopped, 0 blocked *$/;
const ACTIVITY = /^activity {2}0 busy, 1 idle, 0 needs-input, 0 unknown *$/;

/** The clock at the end of the first line. */
const clockOf = (lines: readonly string[]) => /(\d\d:\d\d:\d\d)$/.exec(lines[0] ?? '')?.[1];

/** The identities drawn, in order, and the selected one. */
function drawn(lines: readonly string[]): { peers: string[]; selected: string | undefined } {
  const rows = topRows(lines);
  return { peers: rows.map((row) => row.peer), selected: rows.find((row) => row.selected)?.peer };
}

/** A whole frame of `columns`×`rows`: header first, key line last, nothing wider, nothing scrolled away. */
function expectFrame(lines: readonly string[], columns: number, rows: number): void {
  expect(lines).toHaveLength(rows);
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(columns);
  // The first line is as wide as the terminal, the clock in its last cells.
  expect(lines[0]).toMatch(/^iapeer top {2}daemon not running +\d\d:\d\d:\d\d$/);
  expect(lines[0]).toHaveLength(columns);
  expect(lines[1]).toMatch(HEADER);
  expect(lines[2]).toMatch(ACTIVITY);
  expect(lines[3]).toMatch(/^queue {5}0 waiting, 0 set aside *$/);
  expect(lines[4]).toMatch(/^ {2}PEER +RUNTIME +STATE +ACTIVITY +SINCE +IDLE +QUEUE +LAST EVENT$/);
  expect(lines.at(-1)).toMatch(/^q quit {2}up\/down select {2}a attach /);
  // Every body row is one identity's row: none wrapped onto the next.
  expect(topRows(lines)).toHaveLength(rows - 7);
  for (const row of topRows(lines)) expect(row.peer).toMatch(/^p\d\d$/);
}

describe('top over 50 identities', () => {
  const home = useHome({ shared: true });

  beforeAll(async () => {
    // Registered through the locked writer in one go: 50 `iapeer add` runs would be most of the test.
    const cwd = await workDir(home, 'shared');
    const now = new Date().toISOString();
    await updateRegistry(pathsFor({ home: home.home, sockDir: home.sockDir }), (current) => ({
      next: NAMES.reduce((registry, personality) => withPeer(registry, newPeerRecord({ personality, runtimes: ['demo'], cwd }, now)), current),
      value: undefined,
    }));
    expectOk(await home.run(['start', 'p07']));
    const listed = await home.run(['list', '--json']);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(50);
  });

  async function opened(columns: number, rows: number): Promise<Terminal> {
    const terminal = openTerminal(home, { columns, rows });
    await terminal.waitForScreen((lines) => (lines[1] ?? '').startsWith('peers     50 identities: 1 live, 49 down, '), 'top’s header with all 50 counted');
    return terminal;
  }

  it('keeps up: all 50 counted, refreshed each second, and G / End scroll the selection to the last, g / Home back', async () => {
    const terminal = await opened(120, 40);
    const first = terminal.screen();
    expect(first[1]).toMatch(HEADER);
    expect(drawn(first)).toEqual({ peers: NAMES.slice(0, 33), selected: 'p01' });
    expect(topRows(first).find((row) => row.peer === 'p07')).toMatchObject({ state: 'live', activity: 'idle' });
    // The clock moves on: a frame at least every second.
    const clock = clockOf(first);
    await terminal.waitForScreen((lines) => clockOf(lines) !== clock, 'the next second’s frame', 3000);

    terminal.keys('G');
    const last = await terminal.waitForScreen((lines) => drawn(lines).selected === 'p50', 'p50 selected');
    expect(drawn(last).peers).toEqual(NAMES.slice(17));
    expect(last[1]).toMatch(HEADER);
    terminal.keys('g');
    await terminal.waitForScreen((lines) => drawn(lines).selected === 'p01' && drawn(lines).peers[0] === 'p01', 'p01 selected, at the top');
    terminal.keys('End');
    await terminal.waitForScreen((lines) => drawn(lines).selected === 'p50' && drawn(lines).peers.at(-1) === 'p50', 'p50 selected by End, drawn last');
    terminal.keys('Home');
    await terminal.waitForScreen((lines) => drawn(lines).selected === 'p01', 'p01 selected by Home');
    // A page down moves a page less one row, the selection staying drawn.
    terminal.keys('PageDown');
    const paged = await terminal.waitForScreen((lines) => drawn(lines).selected === 'p33', 'a page down');
    expect(drawn(paged).peers.at(-1)).toBe('p33');
  });

  it('an 80×24 terminal is drawn whole, and a resize mid-run (to 100×30, to 16×6, back) redraws it to the new size', async () => {
    const terminal = await opened(80, 24);
    expect(terminal.size()).toEqual({ columns: 80, rows: 24 });
    expectFrame(terminal.screen(), 80, 24);
    terminal.keys('End');
    const scrolled = await terminal.waitForScreen((lines) => drawn(lines).selected === 'p50', 'p50 selected');
    expectFrame(scrolled, 80, 24);
    expect(drawn(scrolled).peers).toEqual(NAMES.slice(33));

    terminal.resize(100, 30);
    const resized = await terminal.waitForScreen((lines) => lines.length === 30 && lines[0]?.length === 100 && topRows(lines).length === 23, 'the frame redrawn at 100×30', scaled(10_000));
    expectFrame(resized, 100, 30);
    // The selection kept, still drawn, the rows above it filling the taller body.
    expect(drawn(resized)).toEqual({ peers: NAMES.slice(27), selected: 'p50' });

    // Smaller than any useful layout: what fits is drawn, and nothing past the edges.
    terminal.resize(16, 6);
    const tiny = await terminal.waitForScreen((lines) => lines.length === 6 && lines[0]?.startsWith('iapeer~ ') === true, 'the frame redrawn at 16×6');
    expect(tiny[0]).toMatch(/^iapeer~ \d\d:\d\d:\d\d$/);
    // Too short for the whole header: its first line and the column titles stay.
    expect(tiny[1]).toBe('  PEER  RUNTIME~');
    expect(tiny[2]).toMatch(/^ {2}p49 /);
    expect(tiny[3]).toBe('> p50   demo   ~');
    expect(tiny.at(-1)).toBe('q quit  up/dow~');
    for (const line of tiny) expect(line.length, line).toBeLessThanOrEqual(16);

    terminal.resize(80, 24);
    const back = await terminal.waitForScreen((lines) => lines.length === 24 && lines[0]?.length === 80, 'the frame redrawn at 80×24 again');
    expectFrame(back, 80, 24);
    expect(drawn(back)).toEqual({ peers: NAMES.slice(33), selected: 'p50' });
  });
});
