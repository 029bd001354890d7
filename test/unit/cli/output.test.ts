import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorizer, formatDuration, formatTable, jsonArrayWriter, nearest, printJson, printLine } from '../../../src/cli/output.js';
import type { Io } from '../../../src/cli/io.js';

function captureIo(stdoutIsTTY: boolean): { io: Io; stdout: () => string } {
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const io: Io = { stdout, stderr: new PassThrough(), stdoutIsTTY, stdinIsTTY: false };
  return { io, stdout: () => Buffer.concat(chunks).toString() };
}

// eslint-disable-next-line no-control-regex -- colour codes are what is stripped
const stripColour = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('formatTable', () => {
  it('left-aligns columns two spaces apart and does not pad the last column', () => {
    const table = formatTable(
      ['PEER', 'RUNTIME', 'STATE', 'DESCRIPTION'],
      [
        ['boris', 'claude', 'live', 'reviews pull requests'],
        ['a', 'demo', 'stopped', ''],
        ['long-peer-name', 'codex', 'down', 'x'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'PEER            RUNTIME  STATE    DESCRIPTION',
      'boris           claude   live     reviews pull requests',
      'a               demo     stopped',
      'long-peer-name  codex    down     x',
    ]);
  });

  it('ignores ANSI colour codes when measuring', () => {
    const green = (text: string) => `\x1b[32m${text}\x1b[0m`;
    const coloured = formatTable(
      ['PEER', 'STATE', 'IDLE'],
      [
        ['boris', green('live'), '5m'],
        ['anna', '\x1b[1;31mblocked\x1b[0m', '-'],
      ],
    );
    const plain = formatTable(
      ['PEER', 'STATE', 'IDLE'],
      [
        ['boris', 'live', '5m'],
        ['anna', 'blocked', '-'],
      ],
    );
    expect(stripColour(coloured)).toBe(plain);
    // Every row's last column starts at the same visible position.
    const starts = stripColour(coloured)
      .split('\n')
      .map((line) => line.search(/\S+$/));
    expect(new Set(starts).size).toBe(1);
  });

  it('prints only the header when there are no rows', () => {
    expect(formatTable(['PEER', 'STATE'], [])).toBe('PEER  STATE');
  });

  it('widens a column to its longest cell, header included', () => {
    expect(formatTable(['A', 'B'], [['xyz', '1']])).toBe('A    B\nxyz  1');
    expect(formatTable(['LONG HEADER', 'B'], [['x', '1']])).toBe('LONG HEADER  B\nx            1');
  });
});

describe('formatDuration', () => {
  it.each([
    [null, '-'],
    [0, '0s'],
    [1, '1s'],
    [59, '59s'],
    [60, '1m'],
    [119, '1m'],
    [3599, '59m'],
    [3600, '1h00m'],
    [3660, '1h01m'],
    [5400, '1h30m'],
    [86_399, '23h59m'],
    [86_400, '1d'],
    [172_800 + 3600, '2d'],
  ] as const)('%s → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('colorizer', () => {
  it('colours for a terminal without NO_COLOR', () => {
    const { io } = captureIo(true);
    expect(colorizer(io, false)(32, 'live')).toBe('\x1b[32mlive\x1b[0m');
  });

  it('never colours output to a non-TTY', () => {
    const { io } = captureIo(false);
    expect(colorizer(io, false)(32, 'live')).toBe('live');
  });

  it('never colours with NO_COLOR, even on a terminal', () => {
    const { io } = captureIo(true);
    expect(colorizer(io, true)(31, 'blocked')).toBe('blocked');
  });
});

describe('printing', () => {
  const rows = [{ personality: 'boris', idleSeconds: null, note: 'two\nlines' }, { personality: 'ana', idleSeconds: 3, note: '' }];

  it('printJson writes one JSON document: on one line in a pipe, indented by 2 on a terminal', () => {
    const piped = captureIo(false);
    printJson(piped.io, rows);
    expect(piped.stdout()).toBe(`${JSON.stringify(rows)}\n`);
    const terminal = captureIo(true);
    printJson(terminal.io, rows);
    expect(terminal.stdout()).toBe(`${JSON.stringify(rows, null, 2)}\n`);
  });

  it('a JSON array written piece by piece is what printJson prints whole, in both forms', () => {
    for (const tty of [false, true]) {
      for (const items of [[], rows.slice(0, 1), rows]) {
        const whole = captureIo(tty);
        printJson(whole.io, items);
        const array = jsonArrayWriter(whole.io);
        expect(items.map((item) => array.item(item)).join('') + array.end(), `tty ${tty}, ${items.length} items`).toBe(whole.stdout());
      }
    }
  });

  it('printLine writes the text and a newline', () => {
    const { io, stdout } = captureIo(false);
    printLine(io, 'hello');
    printLine(io, 'world');
    expect(stdout()).toBe('hello\nworld\n');
  });
});

describe('nearest', () => {
  const verbs = ['add', 'list', 'start', 'stop', 'remove', 'attach', 'interrupt', 'compact', 'self-fresh'];

  it('finds the verb a typo meant: swapped, missing, extra or wrong letters, any case', () => {
    expect(nearest('strat', verbs)).toBe('start');
    expect(nearest('lst', verbs)).toBe('list');
    expect(nearest('attch', verbs)).toBe('attach');
    expect(nearest('remvoe', verbs)).toBe('remove');
    expect(nearest('Stop', verbs)).toBe('stop');
    expect(nearest('selffresh', verbs)).toBe('self-fresh');
  });

  it('prefers the closest candidate, the earlier one on a tie', () => {
    expect(nearest('stat', verbs)).toBe('start');
    expect(nearest('sto', verbs)).toBe('stop');
    expect(nearest('claud', [...verbs, 'claude', 'codex'])).toBe('claude');
  });

  it('suggests nothing for a word that is not near any', () => {
    expect(nearest('frobnicate', verbs)).toBeUndefined();
    expect(nearest('xyz', verbs)).toBeUndefined();
    expect(nearest('', verbs)).toBeUndefined();
  });
});
