import { describe, expect, it } from 'vitest';
import { glyphsFor } from '../../../../src/cli/top/glyphs.js';
import { fit, widthOf } from '../../../../src/cli/top/text-width.js';

const utf8 = glyphsFor({ LANG: 'en_US.UTF-8' });
const ascii = glyphsFor({});

describe('glyphsFor', () => {
  it('is UTF-8 only when the locale says so, LC_ALL first', () => {
    expect(glyphsFor({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }).utf8).toBe(false);
    expect(glyphsFor({ LC_CTYPE: 'C.utf8' }).utf8).toBe(true);
    expect(glyphsFor({ LANG: '' }).utf8).toBe(false);
    expect(ascii.selected).toBe('>');
  });
});

describe('fit', () => {
  it('pads short text and cuts long text with an ellipsis, to exactly the width', () => {
    expect(fit('abc', 5, utf8)).toBe('abc  ');
    expect(fit('abcdef', 4, utf8)).toBe('abc…');
    expect(fit('abcdef', 4, ascii)).toBe('abc~');
    expect(fit('abc', 0, utf8)).toBe('');
  });

  it('never lets a control character through: it is shown as ?', () => {
    expect(fit('a\x1b[2Jb\nc', 8, utf8)).toBe('a?[2Jb?c');
  });

  it('counts wide characters as two cells and combining marks as none', () => {
    expect(widthOf('日本')).toBe(4);
    expect(widthOf('e\u0301')).toBe(1);
    expect(fit('日本語', 5, utf8)).toBe('日本…');
    expect(widthOf(fit('日本語です', 6, utf8))).toBe(6);
  });

  it('draws only ASCII without a UTF-8 locale', () => {
    expect(fit('café ✓', 8, ascii)).toBe('caf? ?  ');
  });
});
