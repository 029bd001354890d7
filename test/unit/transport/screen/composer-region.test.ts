import { describe, expect, it } from 'vitest';
import { BUSY_LINES_ABOVE, COMPOSER_SEARCH_LINES, regionsOf } from '../../../../src/transport/screen/composer-region.js';
import { type DeliveryKnobs, composerState, showsBusy, whereShown } from '../../../../src/transport/screen/composer.js';
import { loadScreen } from '../../../agents/screen-patterns.js';
import { deliveryKnobsOf } from '../../../../src/lifecycle/messages/delivery-knobs.js';
import { builtinRuntimes } from '../../../../src/runtimes/builtin-runtimes.js';

const ID = '0mwuemz0p000-kpm-l50m2y';
const HEADER = `[iap from=operator topic=none id=${ID}]`;

/** The README's runtimes.json example. */
const README: DeliveryKnobs = { ready: /^> /m, composer: /^> \S/m, composerEmpty: undefined, busy: /esc to interrupt/, settleMs: 0, enterRetries: 3 };

/** A line-based agent's screen: its history, then the prompt line holding `composer`; the cursor at its end. */
function lineScreen(history: readonly string[], composer: readonly string[] = ['> ']): { screen: string; cursor: { x: number; y: number } } {
  const lines = [...history, ...composer];
  const last = composer[composer.length - 1] ?? '';
  return { screen: `${[...lines, '', ''].join('\n')}\n`, cursor: { x: last.length, y: lines.length - 1 } };
}

describe('the composer region', () => {
  it('starts at the nearest prompt line at or above the cursor, and ends at the bottom', () => {
    const lines = ['> old', 'answer', '> [iap x]', 'body', 'footer'];
    expect(regionsOf(lines, { x: 4, y: 3 }, [/^> /]).composer).toEqual(['> [iap x]', 'body', 'footer']);
    expect(regionsOf(lines, { x: 2, y: 2 }, [/^> /]).composer).toEqual(['> [iap x]', 'body', 'footer']);
  });

  it("is the cursor's line down when no prompt line is near", () => {
    const lines = ['> far up', ...Array.from({ length: COMPOSER_SEARCH_LINES + 1 }, () => 'text'), 'cursor here', 'footer'];
    expect(regionsOf(lines, { x: 0, y: lines.length - 2 }, [/^> /]).composer).toEqual(['cursor here', 'footer']);
  });

  it('is the whole screen without a cursor, or with one off the screen', () => {
    const lines = ['a', 'b'];
    for (const cursor of [undefined, { x: 0, y: 2 }, { x: 0, y: -1 }]) expect(regionsOf(lines, cursor, [/^a/]).composer).toEqual(lines);
  });

  it('reaches busy a few lines above the composer', () => {
    const lines = ['spinner…', ...Array.from({ length: BUSY_LINES_ABOVE - 1 }, () => ''), '> ', 'footer'];
    expect(regionsOf(lines, { x: 2, y: BUSY_LINES_ABOVE }, [/^> /]).busy[0]).toBe('spinner…');
    expect(regionsOf(['spinner…', 'other', ...lines.slice(1)], { x: 2, y: BUSY_LINES_ABOVE + 1 }, [/^> /]).busy).not.toContain('spinner…');
  });
});

describe("the README's runtimes.json example on a line-based agent", () => {
  const history = ['line agent ready', '> single line', 'got it', `> ${HEADER}`, 'two', 'got 2 lines'];

  it('does not read history lines like `> single line` as the composer', () => {
    const { screen, cursor } = lineScreen(history);
    // Matched anywhere, the history says "holds text"; from the cursor's line, the composer is empty.
    expect(composerState(screen, README)).toBe('holds-text');
    expect(composerState(screen, README, cursor)).toBe('empty');
    expect(whereShown(screen, ID, README, cursor)).toBe('history');
  });

  it('sees a paste in the composer, its first line above the cursor', () => {
    const { screen, cursor } = lineScreen(history.slice(0, 3), [`> ${HEADER}`, 'second line', 'third line']);
    expect(composerState(screen, README, cursor)).toBe('holds-text');
    expect(whereShown(screen, ID, README, cursor)).toBe('composer');
  });

  it('judges busy near the prompt only', () => {
    const { screen, cursor } = lineScreen(['(esc to interrupt) an old line', ...Array.from({ length: 20 }, (_, i) => `out ${i}`)]);
    expect(showsBusy(screen, README)).toBe(true);
    expect(showsBusy(screen, README, cursor)).toBe(false);
  });
});

describe('the built-in runtimes, judged from where their cursor is', () => {
  const runtimes = builtinRuntimes(process.execPath);
  const knobsOf = (name: string) => deliveryKnobsOf(runtimes.find((runtime) => runtime.name === name) ?? (undefined as never));
  /** Claude Code and Codex leave the cursor on their composer line (the last line of a multi-line composer). */
  function cursorOn(screen: string, pattern: RegExp): { x: number; y: number } {
    const rows = screen.split('\n').flatMap((line, row) => (pattern.test(line) ? [row] : []));
    const y = rows[rows.length - 1];
    if (y === undefined) throw new Error(`no line matches ${pattern}`);
    return { x: 2, y };
  }
  const claude: readonly [string, 'empty' | 'holds-text', boolean][] = [
    ['claude-ready', 'empty', false],
    ['claude-composer-text', 'holds-text', false],
    ['claude-composer-paste', 'holds-text', false],
    ['claude-busy', 'empty', true],
    ['claude-busy-composer-text', 'holds-text', true],
    ['claude-queued', 'empty', true],
  ];
  it.each(claude)('%s: composer %s, busy %s', (name, state, busy) => {
    const screen = loadScreen(name);
    const cursor = cursorOn(screen, /^❯\u00a0/u);
    expect(composerState(screen, knobsOf('claude'), cursor)).toBe(state);
    expect(showsBusy(screen, knobsOf('claude'), cursor)).toBe(busy);
  });
  const codex: readonly [string, 'empty' | 'holds-text', boolean, RegExp][] = [
    ['codex-ready', 'empty', false, /^› /u],
    ['codex-composer-text', 'holds-text', false, /^› /u],
    // The cursor is on the last line of a multi-line composer.
    ['codex-composer-paste', 'holds-text', false, /^ {2}line 12 of/u],
    ['codex-busy', 'empty', true, /^› /u],
    ['codex-busy-composer-text', 'holds-text', true, /^› /u],
    ['codex-queued', 'empty', true, /^› /u],
  ];
  it.each(codex)('%s: composer %s, busy %s', (name, state, busy, line) => {
    const screen = loadScreen(name);
    const cursor = cursorOn(screen, line);
    expect(composerState(screen, knobsOf('codex'), cursor)).toBe(state);
    expect(showsBusy(screen, knobsOf('codex'), cursor)).toBe(busy);
  });
});
