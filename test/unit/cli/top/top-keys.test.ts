import { describe, expect, it } from 'vitest';
import { parseKeys } from '../../../../src/cli/top/top-keys.js';

describe('parseKeys', () => {
  it('reads arrows in both cursor modes, pages, ends, Enter, Backspace and Ctrl keys', () => {
    expect(parseKeys('\x1b[A\x1bOB\x1b[5~\x1b[6~\x1b[H\x1b[F\r\x7f\x03\x15').map((key) => key.name)).toEqual([
      'up',
      'down',
      'page-up',
      'page-down',
      'home',
      'end',
      'enter',
      'backspace',
      'ctrl-c',
      'ctrl-u',
    ]);
  });

  it('a lone ESC is Escape; an unknown sequence is dropped whole, never typed', () => {
    expect(parseKeys('\x1b')).toEqual([{ name: 'escape' }]);
    expect(parseKeys('\x1b[1;5Cx')).toEqual([{ name: 'char', char: 'x' }]);
    expect(parseKeys('\x1b[200~')).toEqual([]);
  });

  it('types printable characters, Unicode included, and drops other controls', () => {
    expect(parseKeys('aé😀\x00\x07\x85b')).toEqual([
      { name: 'char', char: 'a' },
      { name: 'char', char: 'é' },
      { name: 'char', char: '😀' },
      { name: 'char', char: 'b' },
    ]);
  });
});
