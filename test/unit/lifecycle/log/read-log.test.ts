import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../src/core/errors.js';
import { readLog } from '../../../../src/lifecycle/log/read-log.js';
import { rotateLog } from '../../../../src/lifecycle/log/rotate-log.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-log-read-');
const file = () => join(dir(), 'logs', 'lifecycle.log');

beforeEach(() => {
  mkdirSync(join(dir(), 'logs'));
});

async function readAll(options: Parameters<typeof readLog>[1] = {}): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of readLog(file(), options)) lines.push(...batch);
  return lines;
}

function lines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, n) => `${prefix}-${n}\n`).join('');
}

describe('readLog', () => {
  it('yields nothing for a missing log or a missing log directory', async () => {
    expect(await readAll()).toEqual([]);
    rmSync(join(dir(), 'logs'), { recursive: true });
    expect(await readAll()).toEqual([]);
  });

  it('reads the rotated files oldest first (.N … .1), then the log', async () => {
    writeFileSync(`${file()}.3`, lines('c', 2));
    writeFileSync(`${file()}.2`, lines('b', 2));
    writeFileSync(`${file()}.1`, lines('a', 2));
    writeFileSync(file(), lines('now', 2));
    writeFileSync(`${file()}.lock`, 'not a log\n');
    expect(await readAll()).toEqual(['c-0', 'c-1', 'b-0', 'b-1', 'a-0', 'a-1', 'now-0', 'now-1']);
  });

  it('reads rotated files with a gap, or with no current log, and past a KEEP that was lowered', async () => {
    writeFileSync(`${file()}.7`, lines('g', 1));
    writeFileSync(`${file()}.2`, lines('b', 1));
    writeFileSync(`${file()}.1`, lines('a', 1));
    expect(await readAll()).toEqual(['g-0', 'b-0', 'a-0']);
  });

  it('yields a last line without its newline as it is', async () => {
    writeFileSync(file(), 'one\ntwo');
    expect(await readAll()).toEqual(['one', 'two']);
  });

  it('keeps multi-byte characters whole across its read chunks', async () => {
    // Lines of 1 to 4-byte characters: the 256 KiB chunks end inside some character.
    const many = Array.from({ length: 40_000 }, (_, n) => `${n} é🎉日本 x`);
    writeFileSync(file(), `${many.join('\n')}\n`);
    expect(await readAll()).toEqual(many);
  });

  it('cuts text that has no newline for a whole chunk, between characters', async () => {
    const wide = 'é🎉日本'.repeat(30_000);
    writeFileSync(file(), `start\n${wide}\nend\n`);
    const got = await readAll();
    expect(got[0]).toBe('start');
    expect(got.length).toBeGreaterThan(3);
    expect(got.join('')).toBe(`start${wide}end`);
    expect(got.at(-1)).toBe('end');
  });

  it('skips rotated files that end before --since, but never the current log', async () => {
    const [a, b, c] = ['2026-01-01T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '2026-01-01T00:00:00.000Z'].map((ts) => `ts=${ts} ev=stop`);
    writeFileSync(`${file()}.2`, `${a}\n`);
    writeFileSync(`${file()}.1`, `${b}\n`);
    writeFileSync(file(), `${c}\n`);
    expect(await readAll({ notBeforeMs: Date.parse('2026-01-03T00:00:00.000Z') })).toEqual([b, c]);
  });

  it('does not skip a rotated file whose end it cannot date', async () => {
    writeFileSync(`${file()}.1`, 'ts=2026-01-01T00:00:00.000Z ev=stop\nnot logfmt\n');
    expect(await readAll({ notBeforeMs: Date.parse('2026-06-01T00:00:00.000Z') })).toHaveLength(2);
  });

  it('refuses a log that is a symlink or a FIFO, naming it', async () => {
    writeFileSync(join(dir(), 'elsewhere'), 'secret\n');
    symlinkSync(join(dir(), 'elsewhere'), file());
    await expect(readAll()).rejects.toThrow(RefusedError);
    await expect(readAll()).rejects.toThrow(`lifecycle log ${file()} is a symlink`);
  });

  it('loses and repeats no line when the log rotates between its batches', async () => {
    // One line per file is below the read chunk; many lines make several batches.
    writeFileSync(`${file()}.2`, lines('old', 1));
    writeFileSync(`${file()}.1`, lines('mid', 20_000));
    writeFileSync(file(), lines('new', 20_000));
    const got: string[] = [];
    let rotated = false;
    for await (const batch of readLog(file())) {
      got.push(...batch);
      if (!rotated) {
        rotated = true;
        // The log is now `.1`, `.1` is `.2`, and `.2` (being read) was dropped.
        await rotateLog(file(), { maxBytes: 0, keep: 2 });
        writeFileSync(file(), lines('after', 5));
      }
    }
    expect(got).toEqual((lines('old', 1) + lines('mid', 20_000) + lines('new', 20_000)).split('\n').slice(0, -1));
  });
});
