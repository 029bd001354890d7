import { describe, expect, it } from 'vitest';
import {
  type GateMode,
  type GateState,
  type GateStep,
  INITIAL_GATE,
  QUIET_SCREEN_MS,
  SETTLE_MS,
  STRICT_POLL_MS,
  STRICT_STREAK,
  gateStep,
  matchesLine,
} from '../../../../src/transport/screen/readiness.js';

const PROMPT = /^demo>/;
const READY_SCREEN = 'demo agent v1\n\ndemo> ';
const BUSY_SCREEN = 'demo agent v1\nloading…';

/**
 * Feeds screens to the gate as the waiter would: each screen is captured `afterMs`
 * after the previous step asked. Returns every step and the time of each capture.
 */
function run(
  pattern: RegExp | undefined,
  mode: GateMode,
  screens: readonly string[],
  start = 1_000,
): { steps: GateStep[]; times: number[] } {
  let state: GateState = INITIAL_GATE;
  let now = start;
  const steps: GateStep[] = [];
  const times: number[] = [];
  for (const screen of screens) {
    times.push(now);
    const step = gateStep(pattern, mode, state, screen, now);
    steps.push(step);
    if (step.kind === 'ready') break;
    state = step.state;
    now += step.afterMs;
  }
  return { steps, times };
}

describe('strict gate with a ready pattern', () => {
  it('uses the contract timings', () => {
    expect(STRICT_POLL_MS).toBe(200);
    expect(STRICT_STREAK).toBe(3);
    expect(SETTLE_MS).toBe(300);
    expect(QUIET_SCREEN_MS).toBe(2000);
  });

  it('is ready on the third consecutive match, then settles 300 ms', () => {
    const { steps } = run(PROMPT, 'strict', [READY_SCREEN, READY_SCREEN, READY_SCREEN]);
    expect(steps.map((step) => step.kind)).toEqual(['poll', 'poll', 'ready']);
    expect(steps[0]).toMatchObject({ kind: 'poll', afterMs: 200, state: { streak: 1 } });
    expect(steps[1]).toMatchObject({ kind: 'poll', afterMs: 200, state: { streak: 2 } });
    expect(steps[2]).toEqual({ kind: 'ready', afterMs: 300 });
  });

  it('polls every 200 ms while the pattern is absent', () => {
    const { steps } = run(PROMPT, 'strict', [BUSY_SCREEN, BUSY_SCREEN, BUSY_SCREEN, BUSY_SCREEN, BUSY_SCREEN]);
    expect(steps).toHaveLength(5);
    for (const step of steps) expect(step).toMatchObject({ kind: 'poll', afterMs: 200, state: { streak: 0 } });
  });

  it('a miss resets the streak', () => {
    const screens = [READY_SCREEN, READY_SCREEN, BUSY_SCREEN, READY_SCREEN, READY_SCREEN, READY_SCREEN];
    const { steps } = run(PROMPT, 'strict', screens);
    expect(steps.map((step) => (step.kind === 'poll' ? step.state.streak : 'ready'))).toEqual([1, 2, 0, 1, 2, 'ready']);
    expect(steps).toHaveLength(6);
  });

  it('two matches are never enough, however long they last', () => {
    const screens = Array.from({ length: 20 }, (_, index) => (index % 3 === 2 ? BUSY_SCREEN : READY_SCREEN));
    const { steps } = run(PROMPT, 'strict', screens);
    expect(steps.every((step) => step.kind === 'poll')).toBe(true);
  });

  it('takes at least 400 ms of polling plus the settle', () => {
    const { steps, times } = run(PROMPT, 'strict', [READY_SCREEN, READY_SCREEN, READY_SCREEN], 5_000);
    const last = steps.at(-1);
    expect(last?.kind).toBe('ready');
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBe(2 * STRICT_POLL_MS);
  });

  it('tries the pattern on each line, so ^ anchors a later line', () => {
    const screen = 'booting\nstill booting\ndemo> ';
    expect(matchesLine(PROMPT, screen)).toBe(true);
    expect(matchesLine(PROMPT, 'booting demo> ')).toBe(false);
    const { steps } = run(PROMPT, 'strict', [screen, screen, screen]);
    expect(steps.at(-1)).toEqual({ kind: 'ready', afterMs: SETTLE_MS });
  });

  it('does not let a global pattern carry state between polls', () => {
    const global = /^demo>/g;
    const { steps } = run(global, 'strict', [READY_SCREEN, READY_SCREEN, READY_SCREEN]);
    expect(steps.map((step) => step.kind)).toEqual(['poll', 'poll', 'ready']);
  });
});

describe('matching the screen as drawn', () => {
  it('a pattern with a trailing space matches a prompt drawn with it', () => {
    const pattern = new RegExp('^> ', 'm');
    expect(matchesLine(pattern, 'Welcome\n> \n\n')).toBe(true);
    expect(matchesLine(pattern, 'Welcome\n>\n\n')).toBe(false);
    const { steps } = run(pattern, 'strict', ['Welcome\n> ', 'Welcome\n> ', 'Welcome\n> ']);
    expect(steps.at(-1)).toEqual({ kind: 'ready', afterMs: SETTLE_MS });
  });

  it('each line is cut to a bounded length before matching', () => {
    const pattern = /READY/;
    expect(matchesLine(pattern, `${'x'.repeat(100)}READY`)).toBe(true);
    expect(matchesLine(pattern, `${'x'.repeat(5000)}READY`)).toBe(false);
    expect(matchesLine(pattern, `${'x'.repeat(5000)}\nREADY`)).toBe(true);
  });
});

describe('first-sight gate with a ready pattern', () => {
  it('is ready on the first match, with no settle', () => {
    const { steps } = run(PROMPT, 'first-sight', [READY_SCREEN]);
    expect(steps).toEqual([{ kind: 'ready', afterMs: 0 }]);
  });

  it('keeps polling until the first match', () => {
    const { steps } = run(PROMPT, 'first-sight', [BUSY_SCREEN, BUSY_SCREEN, 'x\ndemo> ']);
    expect(steps.map((step) => step.kind)).toEqual(['poll', 'poll', 'ready']);
    expect(steps[0]).toMatchObject({ kind: 'poll', state: { streak: 0 } });
  });
});

describe('gate without a ready pattern', () => {
  function quietRun(mode: GateMode, screenAt: (ms: number) => string, limitMs = 10_000): { readyAt: number | undefined } {
    let state: GateState = INITIAL_GATE;
    const start = 50_000;
    let now = start;
    while (now - start <= limitMs) {
      const step = gateStep(undefined, mode, state, screenAt(now - start), now);
      if (step.kind === 'ready') return { readyAt: now - start };
      expect(step.afterMs).toBe(STRICT_POLL_MS);
      state = step.state;
      now += step.afterMs;
    }
    return { readyAt: undefined };
  }

  it.each(['strict', 'first-sight'] as const)('%s: ready after 2 s of the same non-empty screen', (mode) => {
    const { readyAt } = quietRun(mode, () => 'some prompt $');
    expect(readyAt).toBe(QUIET_SCREEN_MS);
  });

  it('is not ready before 2 s have passed', () => {
    let state: GateState = INITIAL_GATE;
    const first = gateStep(undefined, 'strict', state, 'screen', 0);
    expect(first.kind).toBe('poll');
    if (first.kind === 'poll') state = first.state;
    expect(gateStep(undefined, 'strict', state, 'screen', QUIET_SCREEN_MS - 1).kind).toBe('poll');
    expect(gateStep(undefined, 'strict', state, 'screen', QUIET_SCREEN_MS)).toEqual({ kind: 'ready', afterMs: 0 });
  });

  it('a change restarts the clock', () => {
    // The screen changes at 1 s and then stays: ready 2 s after the change.
    const { readyAt } = quietRun('strict', (ms) => (ms < 1000 ? 'starting' : 'started $'));
    expect(readyAt).toBe(1000 + QUIET_SCREEN_MS);
  });

  it('a screen that keeps changing is never ready', () => {
    const { readyAt } = quietRun('strict', (ms) => `tick ${ms}`);
    expect(readyAt).toBeUndefined();
  });

  it.each(['', '   ', '\n\n\n', ' \n\t\n '])('a blank screen (%j) counts too: a silent program is ready after 2 s', (blank) => {
    for (const mode of ['strict', 'first-sight'] as const) {
      const { readyAt } = quietRun(mode, () => blank);
      expect(readyAt).toBe(QUIET_SCREEN_MS);
    }
  });

  it('a screen that goes from blank to drawn restarts the clock', () => {
    // Blank for 3 s would already be ready: the prompt appears at 1 s, so ready 2 s after that.
    const { readyAt } = quietRun('strict', (ms) => (ms < 1000 ? '' : '$ '));
    expect(readyAt).toBe(1000 + QUIET_SCREEN_MS);
  });
});
