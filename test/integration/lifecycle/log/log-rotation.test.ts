// The lifecycle log under several appending processes with size rotation (section 8):
// no torn or interleaved line, no line lost or duplicated, never more files than kept.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { eventFields } from '../../../../src/lifecycle/log/events.js';
import { formatLine, parseLine } from '../../../../src/core/text/logfmt.js';
import { allExited, exited, killFixtures, releaseTogether, spawnFixture } from '../../../helpers/fixtures.js';

const WRITERS = 8;
const LINES_EACH = 2_000;
const MAX_BYTES = 64 * 1024;

const dirs: string[] = [];

afterEach(async () => {
  await killFixtures();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The log files proper: `lifecycle.log` and `lifecycle.log.<n>` (not the rotation lock). */
function logFilesIn(names: readonly string[]): { base: boolean; rotated: number[]; other: string[] } {
  const rotated: number[] = [];
  const other: string[] = [];
  let base = false;
  for (const name of names) {
    if (name === 'lifecycle.log') base = true;
    else if (/^lifecycle\.log\.\d+$/.test(name)) rotated.push(Number(name.slice('lifecycle.log.'.length)));
    else if (!name.startsWith('lifecycle.log.lock')) other.push(name);
  }
  return { base, rotated: rotated.sort((a, b) => a - b), other };
}

interface LoadResult {
  readonly logsDir: string;
  readonly maxFilesSeen: number;
  readonly polls: number;
  readonly elapsedMs: number;
  readonly unexpected: string[];
}

/**
 * Runs WRITERS log-writer processes, started together, and polls the log directory
 * the whole time they run.
 */
async function runLoad(keep: number): Promise<LoadResult> {
  const root = await mkdtemp(join(tmpdir(), 'iap-log-'));
  dirs.push(root);
  const logsDir = join(root, 'logs');
  const file = join(logsDir, 'lifecycle.log');
  const goFile = join(root, 'go');
  const writers = Array.from({ length: WRITERS }, (_, index) =>
    spawnFixture('log-writer', [file, String(index), String(LINES_EACH), String(MAX_BYTES), String(keep), goFile]),
  );
  await releaseTogether(writers, goFile, 30_000);
  const started = Date.now();

  let maxFilesSeen = 0;
  let polls = 0;
  const unexpected: string[] = [];
  const deadline = Date.now() + 50_000;
  while (!writers.every(exited)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the log writers to finish');
    const names = await readdir(logsDir).catch(() => [] as string[]);
    const { base, rotated, other } = logFilesIn(names);
    maxFilesSeen = Math.max(maxFilesSeen, rotated.length + (base ? 1 : 0));
    unexpected.push(...other, ...rotated.filter((index) => index < 1 || index > keep).map((index) => `lifecycle.log.${index}`));
    polls++;
    await sleep(5);
  }
  const elapsedMs = Date.now() - started;
  await allExited(writers, 'all log writers to finish', 10_000);
  return { logsDir, maxFilesSeen, polls, elapsedMs, unexpected };
}

interface LogLine {
  readonly file: string;
  readonly writer: number;
  readonly n: number;
  readonly text: string;
}

/** Reads every log file oldest first (`.N` … `.1`, then `lifecycle.log`) and checks every line. */
async function readAll(logsDir: string): Promise<{ lines: LogLine[]; files: string[]; bad: string[] }> {
  const { base, rotated, other } = logFilesIn(await readdir(logsDir));
  expect(other).toEqual([]);
  const files = [...rotated.reverse().map((index) => `lifecycle.log.${index}`), ...(base ? ['lifecycle.log'] : [])];
  const lines: LogLine[] = [];
  const bad: string[] = [];
  for (const name of files) {
    const text = await readFile(join(logsDir, name), 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) bad.push(`${name}: does not end with a newline`);
    for (const line of text.split('\n').slice(0, -1)) {
      const fields = parseLine(line);
      const keys = fields ? [...fields.keys()] : [];
      const id = /^(\d+)-(\d+)$/.exec(fields?.get('id') ?? '');
      if (!fields || keys[0] !== 'ts' || keys[1] !== 'ev' || fields.get('ev') !== 'deliver' || !id || Number.isNaN(Date.parse(fields.get('ts') ?? ''))) {
        bad.push(`${name}: ${JSON.stringify(line)}`);
        continue;
      }
      const writer = Number(id[1]);
      if (fields.get('identity') !== `demo-w${writer}` || fields.get('outcome') !== 'delivered') bad.push(`${name}: ${JSON.stringify(line)}`);
      lines.push({ file: name, writer, n: Number(id[2]), text: line });
    }
  }
  return { lines, files, bad };
}

/** Each writer appends in order, and files are read oldest first, so its ids must only grow. */
function outOfOrder(lines: readonly LogLine[]): string[] {
  const last = new Map<number, LogLine>();
  const problems: string[] = [];
  for (const line of lines) {
    const previous = last.get(line.writer);
    if (previous && line.n <= previous.n) problems.push(`${previous.file} ${previous.writer}-${previous.n} then ${line.file} ${line.writer}-${line.n}`);
    last.set(line.writer, line);
  }
  return problems;
}

describe('lifecycle log under concurrent appenders', () => {
  it(`${WRITERS} processes x ${LINES_EACH} lines, rotation at 64 KiB, nothing deleted: every line intact, exactly once`, async () => {
    // The longest line the writers produce bounds the total; every rotated file is over
    // MAX_BYTES, so this many files hold everything, with a margin.
    const longest = `${formatLine(eventFields(new Date().toISOString(), { ev: 'deliver', identity: `demo-w${WRITERS - 1}`, id: `${WRITERS - 1}-${LINES_EACH - 1}`, outcome: 'delivered', confirmed: 'screen' }))}\n`;
    const totalBytes = Buffer.byteLength(longest) * WRITERS * LINES_EACH;
    const keep = Math.ceil(totalBytes / MAX_BYTES) + 4;

    const load = await runLoad(keep);
    const { lines, files, bad } = await readAll(load.logsDir);
    console.log(
      `log rotation keep=${keep}: ${lines.length} lines in ${files.length} files, written in ${load.elapsedMs} ms; at most ${load.maxFilesSeen} log files seen over ${load.polls} polls`,
    );
    expect(load.unexpected).toEqual([]);
    expect(load.maxFilesSeen).toBeLessThanOrEqual(keep + 1);
    expect(bad).toEqual([]);
    expect(lines).toHaveLength(WRITERS * LINES_EACH);
    // Nothing was deleted: the oldest slot was never reached.
    expect(files).not.toContain(`lifecycle.log.${keep}`);

    const seen = new Map<string, number>();
    for (const line of lines) seen.set(`${line.writer}-${line.n}`, (seen.get(`${line.writer}-${line.n}`) ?? 0) + 1);
    const missing: string[] = [];
    for (let writer = 0; writer < WRITERS; writer++) {
      for (let n = 0; n < LINES_EACH; n++) if (seen.get(`${writer}-${n}`) !== 1) missing.push(`${writer}-${n} x${seen.get(`${writer}-${n}`) ?? 0}`);
    }
    expect(missing).toEqual([]);
    expect(seen.size).toBe(WRITERS * LINES_EACH);
    expect(outOfOrder(lines)).toEqual([]);
  });

  it(`${WRITERS} processes x ${LINES_EACH} lines with keep=2: at most 3 files, every surviving line intact`, async () => {
    const keep = 2;
    const load = await runLoad(keep);
    const { lines, files, bad } = await readAll(load.logsDir);
    console.log(
      `log rotation keep=${keep}: ${lines.length} surviving lines in ${files.length} files, written in ${load.elapsedMs} ms; at most ${load.maxFilesSeen} log files seen over ${load.polls} polls`,
    );
    expect(load.unexpected).toEqual([]);
    expect(load.maxFilesSeen).toBeLessThanOrEqual(keep + 1);
    expect(files.length).toBeLessThanOrEqual(keep + 1);
    expect(bad).toEqual([]);
    // Older lines went with the deleted files, but no line may appear twice.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(WRITERS * LINES_EACH);
    const ids = lines.map((line) => `${line.writer}-${line.n}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(outOfOrder(lines)).toEqual([]);
  });
});
