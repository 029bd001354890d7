import { describe, expect, it } from 'vitest';
import { lastLines } from '../../../../src/lifecycle/sessions/peek-peer.js';

describe('lastLines (what peek prints of a capture)', () => {
  it.each([
    ['the blank rows under the last drawn line go', 'a\n\nb\n\n\n   \n', undefined, ['a', '', 'b']],
    ['the last n lines of what is left', 'one\ntwo\nthree\nfour\n\n', 2, ['three', 'four']],
    ['more than there is: all of it', 'one\ntwo\n', 10, ['one', 'two']],
    ['leading blank lines stay, as drawn', '\n\ntop\n', undefined, ['', '', 'top']],
    ['a blank screen is no line at all', '\n\n\n', undefined, []],
  ])('%s', (_name, text, count, expected) => {
    expect(lastLines(text, count)).toEqual(expected);
  });
});
