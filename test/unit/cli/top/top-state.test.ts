import { describe, expect, it } from 'vitest';
import { parseKeys } from '../../../../src/cli/top/top-keys.js';
import { type Effect, INITIAL, type Shown, type TopState, passes, reduce, selectedOf } from '../../../../src/cli/top/top-state.js';

const shown: Shown = { identities: ['demo-a', 'demo-b', 'demo-c'], page: 2 };

/** The state and effects after typing `input` from `state`. */
function typed(input: string, state: TopState = INITIAL): { state: TopState; effects: Effect[] } {
  const effects: Effect[] = [];
  let current = state;
  for (const key of parseKeys(input)) {
    const step = reduce(current, key, shown);
    current = step.state;
    if (step.effect !== undefined) effects.push(step.effect);
  }
  return { state: current, effects };
}

describe('top keys', () => {
  it('select with arrows and j/k, stopping at either end; the first row by default', () => {
    expect(selectedOf(INITIAL, shown.identities)).toBe('demo-a');
    expect(typed('jj').state.selected).toBe('demo-c');
    expect(typed('jjjj\x1b[A').state.selected).toBe('demo-b');
    expect(typed('kkk').state.selected).toBe('demo-a');
    expect(typed('G').state.selected).toBe('demo-c');
    expect(typed('\x1b[6~').state.selected).toBe('demo-c');
  });

  it('act on the selected identity: a and Enter attach, s stop, r start, i interrupt, e the editor', () => {
    expect(typed('ja\r').effects).toEqual([
      { kind: 'attach', identity: 'demo-b' },
      { kind: 'attach', identity: 'demo-b' },
    ]);
    expect(typed('jjsri e').effects.map((effect) => effect.kind)).toEqual(['stop', 'start', 'interrupt', 'editor']);
  });

  it('m opens a composer line: typed text, Backspace, and Enter sends it once', () => {
    const { state, effects } = typed('mhelloo\x7f world\r');
    expect(effects).toEqual([{ kind: 'send', identity: 'demo-a', text: 'hello world' }]);
    expect(state.mode.kind).toBe('list');
  });

  it('in the composer, keys are text: q does not quit, s does not stop', () => {
    const { state, effects } = typed('mqs');
    expect(effects).toEqual([]);
    expect(state.mode).toEqual({ kind: 'compose', identity: 'demo-a', text: 'qs' });
  });

  it('Escape drops the message; an empty one is not sent', () => {
    expect(typed('mhi\x1b').effects).toEqual([]);
    expect(typed('mhi\x1b').state.status).toBe('message not sent');
    expect(typed('m  \r').effects).toEqual([]);
  });

  it('/ filters as typed; Enter keeps the filter, Escape clears it', () => {
    expect(typed('/dem\r').state.filter).toBe('dem');
    expect(typed('/dem\r\x1b').state.filter).toBe('');
    expect(typed('/dem\x1b').state.filter).toBe('');
    expect(passes('B', ['demo-b', 'live'])).toBe(true);
    expect(passes('x', ['demo-b', 'live'])).toBe(false);
  });

  it('? and l open the help and the log; any key leaves the help, Escape the log', () => {
    expect(typed('?').state.mode.kind).toBe('help');
    expect(typed('?x').state.mode.kind).toBe('list');
    expect(typed('jl').state.mode).toEqual({ kind: 'log', identity: 'demo-b' });
    expect(typed('jl\x1b').state.mode.kind).toBe('list');
  });

  it('q and Ctrl-C quit, from any mode', () => {
    expect(typed('q').effects).toEqual([{ kind: 'quit' }]);
    for (const start of ['m', '/', '?', 'l']) expect(typed(`${start}\x03`).effects).toEqual([{ kind: 'quit' }]);
  });

  it('with no row shown, an action says so and does nothing', () => {
    const step = reduce(INITIAL, { name: 'char', char: 's' }, { identities: [], page: 1 });
    expect(step.effect).toBeUndefined();
    expect(step.state.status).toBe('no peer is selected');
  });
});
