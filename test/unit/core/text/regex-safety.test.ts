import { describe, expect, it } from 'vitest';
import { boundedLines, MAX_PATTERN_CHARS, unsafePatternReason } from '../../../../src/core/text/regex-safety.js';

const SAFE: readonly string[] = [
  String.raw`^> `,
  String.raw`^[\s│]*[>❯](\s|$)`,
  String.raw`^[\s│]*[›▌>](\s|$)`,
  String.raw`^demo>`,
  String.raw`^(> |❯ )`,
  String.raw`Esc to interrupt`,
  String.raw`^\s*›`,
  String.raw`\[Pasted text #\d+`,
  String.raw`^(?:foo|bar)\s+\d+$`,
  String.raw`a{2,5}`,
  String.raw`(ab)?c`,
  String.raw`[(+*]`,
  String.raw`\(a+\)+`,
  String.raw`[\]]+x`,
  String.raw`[^\]x]*y`,
  String.raw`^(?<prompt>[>❯])\s`,
  String.raw`(?<=foo)bar`,
  String.raw`(?<!x)y+`,
  String.raw`^(?=.*ready)`,
  String.raw`(?!error)\w+`,
  String.raw`(ab|cd)+`,
  String.raw`(a|b)+$`,
  String.raw`(?:a|b?)+`,
  String.raw`(?:https?://)+`,
  String.raw`(?:[a-f]\d)+`,
  String.raw`error: .*`,
  String.raw`^(\S+)\s+(\S+)\s+(.*)$`,
  String.raw`[a-z0-9_-]+@[a-z]+`,
  String.raw`\x1b\[\d+m`,
  String.raw`\u276f\s`,
  String.raw`\bword\b`,
  String.raw`(\.|,)?\d`,
  String.raw`.*foo`,
  String.raw`x{,3}`,
  String.raw`a{`,
  String.raw`[^]*x`,
  String.raw`\d+\d+x`,
  String.raw`.*error.*retry`,
  '✻ Thinking…',
];

// Each unsafe pattern with a word its reason must contain.
const UNSAFE: ReadonlyArray<readonly [pattern: string, names: string]> = [
  [String.raw`^(a+)+$`, 'nested quantifier `(a+)+`'],
  [String.raw`(a*)*`, 'nested quantifier'],
  [String.raw`(.*a){20}`, 'nested quantifier'],
  [String.raw`((ab)*)+`, 'nested quantifier'],
  [String.raw`(\d+)*`, 'nested quantifier'],
  [String.raw`(?:x+x+)+y`, 'nested quantifier'],
  [String.raw`([a-z]+)*`, 'nested quantifier'],
  [String.raw`(.+)+`, 'nested quantifier'],
  [String.raw`(a{1,3})+`, 'nested quantifier'],
  [String.raw`(\s*\w)*$`, 'nested quantifier'],
  [String.raw`(?<=(a+)+)b`, 'nested quantifier'],
  [String.raw`(?=(a*)*)x`, 'nested quantifier'],
  [String.raw`(a|a)*`, 'more than one way'],
  [String.raw`(\w|\d)+$`, 'more than one way'],
  [String.raw`(a|ab)*c`, 'more than one way'],
  [String.raw`(ab|a)+`, 'more than one way'],
  [String.raw`(?:a|b|ab)+`, 'more than one way'],
  [String.raw`(\s|[ \t])+`, 'more than one way'],
  [String.raw`([^x]|y)+`, 'more than one way'],
  [String.raw`(a?a)+`, 'more than one way'],
  [String.raw`(a?b?)*c`, 'more than one way'],
  [String.raw`(a?){25}a{25}`, 'can match nothing'],
  [String.raw`(a)\1`, 'back-reference `\\1`'],
  [String.raw`(?<n>a)\k<n>`, 'back-reference'],
  [String.raw`.*a.*a.*b`, 'too many different ways'],
  [String.raw`\d+\d+\d+x`, 'too many different ways'],
  [String.raw`a?a?a?a?a?a?a?a?a?aaaaaaaaa`, 'too many different ways'],
  [String.raw`(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)b`, 'too many different ways'],
  [String.raw`(`, 'not a valid regular expression'],
  [String.raw`a**`, 'not a valid regular expression'],
  ['x'.repeat(MAX_PATTERN_CHARS + 1), 'characters long'],
];

describe('unsafePatternReason', () => {
  it.each(SAFE)('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeUndefined();
  });

  it.each(UNSAFE)('refuses %s', (pattern, names) => {
    const reason = unsafePatternReason(pattern);
    expect(reason).toBeDefined();
    expect(reason).toContain(names);
  });

  it('says what to do instead', () => {
    for (const [pattern, names] of UNSAFE) {
      if (names === 'not a valid regular expression') continue;
      expect(unsafePatternReason(pattern)).toMatch(/; (use|make|match|keep) /);
    }
  });

  it('accepts a pattern of exactly the maximum length', () => {
    expect(unsafePatternReason('x'.repeat(MAX_PATTERN_CHARS))).toBeUndefined();
  });

  it('shows the offending fragment with control characters escaped', () => {
    const reason = unsafePatternReason('(\u001bJ+)+') ?? '';
    expect(reason).toContain('`(\\eJ+)+`');
    expect(reason).not.toContain('\u001b');
  });

  it('escapes control characters in a compile error', () => {
    const reason = unsafePatternReason('(\u001b]0;x\u0007') ?? '';
    expect(reason).toContain('not a valid regular expression');
    expect([...reason].every((char) => char.charCodeAt(0) >= 0x20)).toBe(true);
  });

  it('tells escaped brackets and class members from groups', () => {
    expect(unsafePatternReason(String.raw`\((a)+\)+`)).toBeUndefined();
    expect(unsafePatternReason(String.raw`[(]a+[)]+`)).toBeUndefined();
    expect(unsafePatternReason(String.raw`[\]()]+(b+)+`)).toContain('(b+)+');
  });

  it('never throws on odd but valid syntax', () => {
    const alphabet = ['(', ')', '[', ']', '\\', '?', ':', '<', '>', '=', '!', '{', '}', ',', '1', '0', 'a', 'k', 'c', 'x', 'u', 'b', 'd', '-', '^', '$', '|', '*', '+', '.'];
    let seed = 1;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 5000; round += 1) {
      let source = '';
      const length = 1 + Math.floor(next() * 12);
      for (let i = 0; i < length; i += 1) source += alphabet[Math.floor(next() * alphabet.length)];
      const reason = unsafePatternReason(source);
      expect(reason === undefined || typeof reason === 'string').toBe(true);
    }
  });
});

describe('boundedLines', () => {
  it('leaves a screen of short lines alone', () => {
    const screen = 'demo> \n│ > hello\n\nlast';
    expect(boundedLines(screen, 20)).toBe(screen);
  });

  it('cuts each long line and keeps the line structure', () => {
    const screen = `${'a'.repeat(30)}\nshort\n${'b'.repeat(25)}`;
    expect(boundedLines(screen, 10)).toBe(`${'a'.repeat(10)}\nshort\n${'b'.repeat(10)}`);
  });

  it('defaults to 1000 characters a line', () => {
    const cut = boundedLines(`${'x'.repeat(5000)}\n${'y'.repeat(999)}`);
    expect(cut.split('\n').map((line) => line.length)).toEqual([1000, 999]);
  });

  it('does not split a surrogate pair', () => {
    expect(boundedLines('ab😀cd', 3)).toBe('ab');
    expect(boundedLines('abc😀', 3)).toBe('abc');
  });

  it('handles an empty screen', () => {
    expect(boundedLines('')).toBe('');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => boundedLines('abc', 0)).toThrow(RangeError);
    expect(() => boundedLines('abc', 1.5)).toThrow(RangeError);
  });
});
