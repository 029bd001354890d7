import { describe, expect, it } from 'vitest';
import { type LogValue, MAX_LINE_BYTES, formatLine, formatValue, parseLine } from '../../../../src/core/text/logfmt.js';

const TS = '2025-01-02T03:04:05.678Z';

/** The bytes the writer puts on disk for one line: the line and its newline. */
function bytesOnDisk(line: string): number {
  return Buffer.byteLength(line) + 1;
}

function roundTrip(value: string): string | undefined {
  return parseLine(formatLine([['ts', TS], ['reason', value], ['outcome', 'ok']]))?.get('reason');
}

const NASTY: readonly string[] = [
  'plain',
  'two words',
  'say "hi"',
  '"',
  '""',
  '\\',
  'a\\',
  'a \\',
  '\\"',
  'end with backslash quote \\"',
  'a=b',
  '=',
  '==',
  'k=v x=y',
  'line1\nline2',
  '\n',
  '\r\n',
  'trailing newline\n',
  'carriage\rreturn',
  'tab\there',
  'unicode line\u2028separator',
  'paragraph\u2029separator',
  'next\u0085line',
  'literal \\n text',
  'literal \\u0041 escape',
  'literal\\u0041',
  ' leading space',
  'trailing space ',
  '   ',
  'émoji 🎉 and 日本語',
  '🎉',
  'nbsp\u00a0here',
  '\\\\server\\share',
  'C:\\path\\to "file"',
  '{"json": "value", "n": 1}',
  'quote"in"middle',
  '\\n\\r\\t',
];

describe('formatValue', () => {
  it.each([
    ['plain', 'plain'],
    ['reaped-idle', 'reaped-idle'],
    ['/abs/path/file.txt', '/abs/path/file.txt'],
    ['a\\b', 'a\\b'],
    ['…', '…'],
    ['π', 'π'],
    ['42', '42'],
  ])('leaves %j unquoted', (raw, expected) => {
    expect(formatValue(raw)).toBe(expected);
  });

  it.each([
    ['two words', '"two words"'],
    ['a=b', '"a=b"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['"', '"\\""'],
    ['tab\there', '"tab\\there"'],
    ['a\nb', '"a\\nb"'],
    ['a\rb', '"a\\rb"'],
    ['back\\slash and space', '"back\\\\slash and space"'],
    ['x\u2028y', '"x\\u2028y"'],
    ['x\u2029y', '"x\\u2029y"'],
  ])('quotes %j as %s', (raw, expected) => {
    expect(formatValue(raw)).toBe(expected);
  });

  it('writes an empty value as ""', () => {
    expect(formatValue('')).toBe('""');
    expect(formatLine([['reason', '']])).toBe('reason=""');
    expect(formatLine([['reason', null]])).toBe('reason=""');
  });

  it('escapes ESC and other control characters, quoted or not', () => {
    expect(formatValue('a\x1b[31mred')).toBe('a\\u001b[31mred');
    expect(formatValue('bell\x07 ring')).toBe('"bell\\\\u0007 ring"');
    for (const code of [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0x7f]) {
      const char = String.fromCharCode(code);
      for (const raw of [`a${char}b`, `a ${char} b`]) {
        const formatted = formatValue(raw);
        expect(formatted, `0x${code.toString(16)}`).not.toContain(char);
        expect(formatted).toContain(`u${code.toString(16).padStart(4, '0')}`);
      }
    }
  });

  it('control characters read back as their visible escape, never raw', () => {
    expect(roundTrip('a\x1bb')).toBe('a\\u001bb');
    expect(roundTrip('a \x1b b')).toBe('a \\u001b b');
  });

  it('no value can produce a line break of any kind', () => {
    const breaks = ['\n', '\r', '\r\n', '\u2028', '\u2029', '\v', '\f'];
    for (const br of breaks) {
      for (const raw of [`a${br}b`, `a ${br} b`, br, `${br}${br}`, `${'x'.repeat(5000)}${br}tail`]) {
        const line = formatLine([['ts', TS], ['reason', raw]]);
        expect(line, JSON.stringify(raw)).not.toMatch(/[\n\r\v\f\u2028\u2029\u0085]/);
      }
    }
  });

  // U+0085 (NEL) is a line break to Unicode-aware readers; formatValue escapes it inside
  // quotes, and an unquoted value must not let it through raw either.
  it('escapes NEL (U+0085) whether or not the value is quoted', () => {
    expect(formatValue('a \u0085b')).toBe('"a \\u0085b"');
    expect(formatValue('a\u0085b')).not.toContain('\u0085');
    expect(formatLine([['ts', TS], ['reason', 'next\u0085line']])).not.toContain('\u0085');
  });
});

describe('formatLine', () => {
  it('joins fields in the order given and drops undefined ones', () => {
    const fields: Array<readonly [string, LogValue]> = [
      ['ts', TS],
      ['ev', 'blocker'],
      ['identity', 'demo-boris'],
      ['skipped', undefined],
      ['deaths', 5],
      ['window', '600s'],
      ['verbose', true],
    ];
    expect(formatLine(fields)).toBe(`ts=${TS} ev=blocker identity=demo-boris deaths=5 window=600s verbose=true`);
  });

  it('leaves a line that fits exactly alone', () => {
    // "k=" plus the value is 4094 bytes; with the newline, 4095 < 4096.
    const fits = 'x'.repeat(MAX_LINE_BYTES - 3);
    const line = formatLine([['k', fits]]);
    expect(line).toBe(`k=${fits}`);
    expect(bytesOnDisk(line)).toBe(MAX_LINE_BYTES);
  });

  it('cuts a line one byte too long', () => {
    const line = formatLine([['k', 'x'.repeat(MAX_LINE_BYTES - 2)]]);
    expect(bytesOnDisk(line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(line.endsWith('…')).toBe(true);
  });

  it('truncates a 10 KB value so the line with its newline stays under 4096 bytes', () => {
    const value = 'y'.repeat(10 * 1024);
    const line = formatLine([['ts', TS], ['ev', 'supervise'], ['identity', 'demo-boris'], ['reason', value]]);
    expect(bytesOnDisk(line)).toBeLessThan(4096);
    expect(line.endsWith('…')).toBe(true);
    const parsed = parseLine(line);
    expect(parsed?.get('ts')).toBe(TS);
    expect(parsed?.get('identity')).toBe('demo-boris');
    const cut = parsed?.get('reason') ?? '';
    expect(cut.endsWith('…')).toBe(true);
    expect(value.startsWith(cut.slice(0, -1))).toBe(true);
    // The cut keeps as much as fits, not a token amount.
    expect(cut.length).toBeGreaterThan(3900);
  });

  it('truncates a long quoted value inside its quotes', () => {
    const value = 'word '.repeat(3000);
    const line = formatLine([['ts', TS], ['reason', value]]);
    expect(bytesOnDisk(line)).toBeLessThan(4096);
    expect(line.endsWith('…"')).toBe(true);
    const cut = parseLine(line)?.get('reason') ?? '';
    expect(value.startsWith(cut.slice(0, -1))).toBe(true);
  });

  it('counts escapes when cutting values made of characters that need them', () => {
    for (const unit of ['"', '\\ ', '\n', '=', '\x1b', 'é', '🎉']) {
      const value = unit.repeat(10_000);
      const line = formatLine([['ts', TS], ['ev', 'deliver'], ['reason', value]]);
      expect(bytesOnDisk(line), JSON.stringify(unit)).toBeLessThan(4096);
      expect(line).not.toMatch(/[\n\r]/);
      const cut = parseLine(line)?.get('reason');
      expect(cut?.endsWith('…'), JSON.stringify(unit)).toBe(true);
    }
  });

  it('keeps every line under the limit when several values are huge', () => {
    const huge = 'z'.repeat(20_000);
    const line = formatLine([
      ['ts', TS],
      ['ev', 'supervise'],
      ['identity', 'claude-boris'],
      ['reason', huge],
      ['outcome', huge],
      ['id', `${huge} with spaces`],
    ]);
    expect(bytesOnDisk(line)).toBeLessThan(4096);
    const parsed = parseLine(line);
    expect(parsed?.get('ts')).toBe(TS);
    expect(parsed?.get('ev')).toBe('supervise');
    expect(parsed?.get('identity')).toBe('claude-boris');
    expect([...(parsed?.keys() ?? [])]).toEqual(['ts', 'ev', 'identity', 'reason', 'outcome', 'id']);
  });

  it('cuts multi-byte values on code point boundaries (valid UTF-8)', () => {
    const mixes = ['🎉', 'é🎉', 'ab€🎉', '日本', '👩‍👩‍👧‍👦'];
    for (const mix of mixes) {
      for (let extra = 0; extra < 8; extra += 1) {
        const value = 'a'.repeat(extra) + mix.repeat(4000);
        const line = formatLine([['ts', TS], ['reason', value]]);
        expect(bytesOnDisk(line)).toBeLessThan(4096);
        expect(Buffer.from(line).toString()).toBe(line);
        expect(line).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        const cut = parseLine(line)?.get('reason') ?? '';
        expect(value.startsWith(cut.slice(0, -1))).toBe(true);
      }
    }
  });
});

describe('parseLine', () => {
  it.each(NASTY.map((value) => [value]))('round-trips %j', (value) => {
    expect(roundTrip(value)).toBe(value);
  });

  it('round-trips all the nasty values on one line', () => {
    const fields = NASTY.map((value, index) => [`k${index}`, value] as const);
    const line = formatLine(fields);
    expect(bytesOnDisk(line)).toBeLessThan(4096);
    const parsed = parseLine(line);
    expect(parsed).toBeDefined();
    expect([...(parsed?.entries() ?? [])]).toEqual(fields.map(([key, value]) => [key, value]));
  });

  it('round-trips the empty value and null', () => {
    expect(roundTrip('')).toBe('');
    expect(parseLine(formatLine([['a', null], ['b', 'x']]))).toEqual(
      new Map([
        ['a', ''],
        ['b', 'x'],
      ]),
    );
  });

  it('refuses text that is not a formatLine line', () => {
    expect(parseLine('')).toBeUndefined();
    expect(parseLine('no pairs here')).toBeUndefined();
    expect(parseLine('k="unterminated')).toBeUndefined();
    expect(parseLine('k=a"b')).toBeUndefined();
  });
});
