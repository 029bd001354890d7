import { describe, expect, it } from 'vitest';
import { deliveryKnobsOf } from '../../../../src/lifecycle/messages/delivery-knobs.js';
import { builtinRuntimes } from '../../../../src/runtimes/builtin-runtimes.js';
import { type DeliveryKnobs, anyLineMatches, composerState, showsBusy, showsMessage, whereShown } from '../../../../src/transport/screen/composer.js';
import { loadScreen } from '../../../agents/screen-patterns.js';

const ID = '0mwuemz0p000-kpm-l50m2y';
const HEADER = `[iap from=operator topic=none id=${ID}]`;

function knobs(partial: Partial<DeliveryKnobs>): DeliveryKnobs {
  return { ready: undefined, composer: undefined, composerEmpty: undefined, busy: undefined, settleMs: 0, enterRetries: 0, ...partial };
}

const demo = builtinRuntimes(process.execPath).find((runtime) => runtime.name === 'demo');

function builtinKnobs(name: string): DeliveryKnobs {
  const runtime = builtinRuntimes(process.execPath).find((candidate) => candidate.name === name);
  if (!runtime) throw new Error(`no built-in ${name}`);
  return deliveryKnobsOf(runtime);
}
if (!demo) throw new Error('no demo runtime');
const DEMO = deliveryKnobsOf(demo);

/** A demo screen as the agent draws it: header, history, composer line, footer. */
function demoScreen(history: readonly string[], composer: string, footer = 'Enter sends · Esc interrupts · /compact · /exit'): string {
  return ['iapeer demo agent · demo-bob · fresh start', '', ...history, '', `demo> ${composer}`.padEnd(80), footer].join('\n');
}

describe('the demo agent screen', () => {
  it('tells an empty composer, one holding text, and busy apart', () => {
    expect(composerState(demoScreen([], ''), DEMO)).toBe('empty');
    expect(composerState(demoScreen([], 'half typed'), DEMO)).toBe('holds-text');
    expect(showsBusy(demoScreen([], ''), DEMO)).toBe(false);
    expect(showsBusy(demoScreen([], '', '(working… Esc interrupts)'), DEMO)).toBe(true);
  });

  it('does not read the footer below an empty composer as its text', () => {
    // Each line is matched on its own: an empty composer and a non-empty next line are not "text".
    expect(composerState('demo> \nEnter sends', DEMO)).toBe('empty');
  });

  it('finds a message in the composer, in the history, or nowhere', () => {
    expect(whereShown(demoScreen([], `${HEADER} [+3 lines]`), ID, DEMO)).toBe('composer');
    expect(whereShown(demoScreen([`› ${HEADER} [+3 lines]`, '· received 90 chars'], ''), ID, DEMO)).toBe('history');
    // In the history while someone's draft is in the composer: history, never "submit the draft".
    expect(whereShown(demoScreen([`› ${HEADER}`], 'half typed'), ID, DEMO)).toBe('history');
    expect(whereShown(demoScreen([], 'half typed'), ID, DEMO)).toBe('nowhere');
    expect(showsMessage(demoScreen([`› ${HEADER}`], ''), ID)).toBe(true);
    expect(showsMessage(demoScreen([`› ${HEADER}`], ''), '0mwuemz0p000-kpm-l50m2z')).toBe(false);
  });

  it('cannot say anything without patterns', () => {
    expect(composerState(demoScreen([], 'x'), knobs({}))).toBe('unknown');
    expect(showsBusy('(working', knobs({}))).toBe(false);
  });
});

describe('Claude Code screens (test/agents/screens) with the built-in claude runtime', () => {
  const claude = builtinKnobs('claude');
  const cases: readonly [string, 'empty' | 'holds-text', boolean][] = [
    ['claude-ready', 'empty', false],
    ['claude-composer-text', 'holds-text', false],
    ['claude-composer-paste', 'holds-text', false],
    ['claude-enter-swallowed', 'holds-text', false],
    ['claude-interrupted', 'holds-text', false],
    ['claude-busy', 'empty', true],
    ['claude-busy-composer-text', 'holds-text', true],
    ['claude-after-enter-0.3', 'empty', true],
    // The "Press up to edit queued messages" placeholder is an empty composer.
    ['claude-queued', 'empty', true],
  ];
  it.each(cases)('%s: composer %s, busy %s', (name, state, busy) => {
    const screen = loadScreen(name);
    expect(composerState(screen, claude)).toBe(state);
    expect(showsBusy(screen, claude)).toBe(busy);
  });

  it('tells the composer line (❯ + no-break space) from a history line (❯ + space)', () => {
    const ready = loadScreen('claude-ready');
    const inComposer = ready.replace(/^❯\u00a0 {10}/mu, `❯\u00a0${HEADER}`);
    expect(inComposer).not.toBe(ready);
    expect(whereShown(inComposer, ID, claude)).toBe('composer');
    const inHistory = ready.replace('❯ please message bob', `❯ ${HEADER}`);
    expect(inHistory).not.toBe(ready);
    expect(whereShown(inHistory, ID, claude)).toBe('history');
    // A long paste is drawn as a placeholder: the header is not on screen.
    expect(whereShown(loadScreen('claude-composer-paste'), ID, claude)).toBe('nowhere');
  });
});

describe('Codex CLI screens (test/agents/screens) with the built-in codex runtime', () => {
  const codex = builtinKnobs('codex');
  const cases: readonly [string, 'empty' | 'holds-text', boolean][] = [
    ['codex-ready', 'empty', false],
    ['codex-composer-text', 'holds-text', false],
    ['codex-composer-paste', 'holds-text', false],
    ['codex-busy', 'empty', true],
    ['codex-busy-composer-text', 'holds-text', true],
    ['codex-after-enter-0.3', 'empty', true],
    ['codex-steered', 'empty', false],
    ['codex-queued', 'empty', true],
    ['codex-interrupted', 'empty', false],
  ];
  it.each(cases)('%s: composer %s, busy %s', (name, state, busy) => {
    const screen = loadScreen(name);
    expect(composerState(screen, codex)).toBe(state);
    expect(showsBusy(screen, codex)).toBe(busy);
  });

  it('never reads a sighting as "in the composer" when composer lines cannot be told from history', () => {
    const holding = loadScreen('codex-composer-text').replace('› hello composer text', `› ${HEADER}`);
    expect(holding).toContain(HEADER);
    expect(whereShown(holding, ID, codex)).toBe('unsure');
    const taken = loadScreen('codex-ready').replace('• sent to amy 2', `› ${HEADER}`);
    expect(taken).toContain(HEADER);
    expect(whereShown(taken, ID, codex)).toBe('history');
  });
});

describe('patterns are matched one line at a time', () => {
  it('never lets \\s reach into the next line', () => {
    const screen = '❯\u00a0   \n────────';
    expect(anyLineMatches(/^❯\u00a0\s*\S/u, screen)).toBe(false);
    expect(anyLineMatches(/^❯\u00a0\s*\S/u, '❯\u00a0 x\n────')).toBe(true);
  });

  it('ignores g, y and m flags (no state carried between calls)', () => {
    const sticky = /x/gy;
    expect(anyLineMatches(sticky, 'a\nax')).toBe(true);
    expect(anyLineMatches(sticky, 'a\nax')).toBe(true);
  });
});
