// The daemon's own log: levels, logfmt lines, rate-limited repeats with a bounded table,
// rotation with the file kept open, and failures that never throw.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../../src/core/config.js';
import { parseLine } from '../../../src/core/text/logfmt.js';
import { pathsFor } from '../../../src/core/paths.js';
import { DaemonLog, type DaemonLogOptions, createDaemonLog } from '../../../src/daemon/daemon-log.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-daemon-log-');
const file = () => join(dir(), 'logs', 'daemon.log');
let clock: number;
const logs: DaemonLog[] = [];

beforeEach(() => {
  clock = Date.parse('2026-01-02T03:04:05.000Z');
});

afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
});

function makeLog(options: Partial<DaemonLogOptions> = {}, path = file()): DaemonLog {
  const log = new DaemonLog(path, { level: 'debug', maxBytes: 1024 * 1024, keep: 3, now: () => new Date(clock), ...options });
  logs.push(log);
  return log;
}

function linesOf(path = file()): Map<string, string>[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      const fields = parseLine(line);
      if (!fields) throw new Error(`not a logfmt line: ${JSON.stringify(line)}`);
      return fields;
    });
}

describe('lines and levels', () => {
  it('writes ts, level and msg first, then the fields in order, as logfmt', async () => {
    const log = makeLog();
    await log.info('peer reaped', { identity: 'demo-boris', reason: 'idle for 1h', age: 3600, ok: true });
    const [line] = linesOf();
    expect([...(line?.entries() ?? [])]).toEqual([
      ['ts', '2026-01-02T03:04:05.000Z'],
      ['level', 'info'],
      ['msg', 'peer reaped'],
      ['identity', 'demo-boris'],
      ['reason', 'idle for 1h'],
      ['age', '3600'],
      ['ok', 'true'],
    ]);
  });

  it('drops messages below the configured level', async () => {
    const log = makeLog({ level: 'warn' });
    const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
    for (const level of levels) await log.log(level, `at ${level}`);
    expect(linesOf().map((line) => line.get('level'))).toEqual(['warn', 'error', 'fatal']);
    expect(log.isEnabled('info')).toBe(false);
    expect(log.isEnabled('error')).toBe(true);
  });

  it('never lets a field pose as ts, level or msg, nor a value start a new line', async () => {
    const log = makeLog();
    await log.error('tick failed', { msg: 'fake', level: 'debug', 'bad key': 'x', error: 'line one\nlevel=info msg=forged' });
    const lines = linesOf();
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line?.get('level')).toBe('error');
    expect(line?.get('msg')).toBe('tick failed');
    expect(line?.get('msg_')).toBe('fake');
    expect(line?.get('level_')).toBe('debug');
    expect(line?.get('bad_key')).toBe('x');
    expect(line?.get('error')).toBe('line one\nlevel=info msg=forged');
  });

  it('takes its level and file from the config', async () => {
    const paths = pathsFor({ home: dir(), sockDir: join(dir(), 'sock') });
    const log = createDaemonLog({ config: { logLevel: 'error', lifecycleLogMaxBytes: 4096, lifecycleLogKeep: 2 }, paths });
    logs.push(log);
    await log.warn('not written');
    await log.error('written');
    expect(log.file).toBe(join(dir(), 'logs', 'daemon.log'));
    expect(linesOf(log.file).map((line) => line.get('msg'))).toEqual(['written']);
  });
});

describe('repeated messages', () => {
  it('writes a repeat once per window, then says how many were skipped', async () => {
    const log = makeLog({ repeatWindowMs: 60_000 });
    for (let tick = 0; tick < 5; tick++) {
      await log.error('cannot list sessions', { identity: 'demo-boris', error: 'tmux not found', tickMs: tick });
      clock += 10_000;
    }
    expect(linesOf()).toHaveLength(1);
    clock += 20_000;
    await log.error('cannot list sessions', { identity: 'demo-boris', error: 'tmux not found', tickMs: 9 });
    const lines = linesOf();
    expect(lines).toHaveLength(2);
    expect(lines[0]?.has('repeated')).toBe(false);
    expect(lines[1]?.get('repeated')).toBe('4');
    expect(lines[1]?.get('tickMs')).toBe('9');
  });

  it('keeps apart messages that differ in level, msg or a non-numeric field', async () => {
    const log = makeLog();
    for (let round = 0; round < 3; round++) {
      await log.error('wake failed', { identity: 'demo-a' });
      await log.error('wake failed', { identity: 'demo-b' });
      await log.warn('wake failed', { identity: 'demo-a' });
      await log.error('start failed', { identity: 'demo-a' });
    }
    expect(linesOf()).toHaveLength(4);
  });

  it('never limits debug (every tick is wanted there) nor fatal', async () => {
    const log = makeLog();
    for (let tick = 0; tick < 3; tick++) {
      await log.debug('tick', { peers: 2 });
      await log.fatal('giving up');
    }
    expect(linesOf()).toHaveLength(6);
  });

  it('reports the count of a repeat that stopped, when its key expires, once', async () => {
    const log = makeLog({ repeatWindowMs: 60_000 });
    await log.warn('queue retry failed', { identity: 'demo-boris' });
    clock += 1000;
    await log.warn('queue retry failed', { identity: 'demo-boris' });
    clock += 1000;
    await log.warn('queue retry failed', { identity: 'demo-boris' });
    const lastSkipped = new Date(clock).toISOString();
    clock += 120_000;
    // Any call, even one below the level, lets the expired key go.
    await log.debug('tick');
    await log.debug('tick');
    const lines = linesOf();
    const summaries = lines.filter((line) => line.has('repeated'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.get('msg')).toBe('queue retry failed');
    expect(summaries[0]?.get('repeated')).toBe('2');
    expect(summaries[0]?.get('last')).toBe(lastSkipped);
    expect(log.trackedKeys).toBe(0);
  });

  it('holds a bounded table, reporting the counts of the keys it drops', async () => {
    const log = makeLog({ repeatWindowMs: 3_600_000, maxRepeatKeys: 8 });
    for (let n = 0; n < 100; n++) {
      await log.error('peer failed', { identity: `demo-p${n}` });
      await log.error('peer failed', { identity: `demo-p${n}` });
      expect(log.trackedKeys).toBeLessThanOrEqual(8);
    }
    await log.close();
    const lines = linesOf();
    // Each key: its first line, then (when dropped, or at close) one line with repeated=1.
    expect(lines).toHaveLength(200);
    expect(lines.filter((line) => line.get('repeated') === '1')).toHaveLength(100);
  });

  it('reports the counts still pending when closed', async () => {
    const log = makeLog();
    await log.error('disk full');
    await log.error('disk full');
    await log.error('disk full');
    await log.close();
    expect(linesOf().map((line) => line.get('repeated'))).toEqual([undefined, '2']);
  });
});

describe('rotation and the open file', () => {
  it('rotates past maxBytes, keeping `keep` files, and goes on in a fresh file', async () => {
    const log = makeLog({ maxBytes: 4096, keep: 3 });
    for (let n = 0; n < 400; n++) await log.debug('tick', { n, filler: 'x'.repeat(60) });
    const names = readdirSync(join(dir(), 'logs')).filter((name) => !name.includes('lock')).sort();
    expect(names).toEqual(['daemon.log', 'daemon.log.1', 'daemon.log.2', 'daemon.log.3']);
    const current = linesOf();
    expect(current.at(-1)?.get('n')).toBe('399');
    // The newest rotated file ends just before the current one begins.
    const previous = linesOf(`${file()}.1`);
    expect(Number(previous.at(-1)?.get('n')) + 1).toBe(Number(current[0]?.get('n')));
  });

  it('follows a rotation or removal done by someone else instead of writing into the old file', async () => {
    const log = makeLog();
    await log.info('first');
    renameSync(file(), `${file()}.1`);
    await log.info('second');
    expect(linesOf(`${file()}.1`).map((line) => line.get('msg'))).toEqual(['first']);
    expect(linesOf().map((line) => line.get('msg'))).toEqual(['second']);
    rmSync(file());
    await log.info('third');
    expect(linesOf().map((line) => line.get('msg'))).toEqual(['third']);
  });

  it('loses no line when two writers share the file and rotate it', async () => {
    const a = makeLog({ maxBytes: 4096, keep: 100 });
    const b = makeLog({ maxBytes: 4096, keep: 100 });
    await Promise.all([
      (async () => {
        for (let n = 0; n < 300; n++) await a.debug('tick', { writer: 'a', n });
      })(),
      (async () => {
        for (let n = 0; n < 300; n++) await b.debug('tick', { writer: 'b', n });
      })(),
    ]);
    const files = readdirSync(join(dir(), 'logs')).filter((name) => /^daemon\.log(\.\d+)?$/.test(name));
    expect(files.length).toBeGreaterThan(2);
    const seen = files.flatMap((name) => linesOf(join(dir(), 'logs', name))).map((line) => `${line.get('writer')}-${line.get('n')}`);
    expect(seen).toHaveLength(600);
    expect(new Set(seen).size).toBe(600);
  });
});

describe('failures', () => {
  it('never throws, reports once per failing spell, and says how many lines were lost', async () => {
    const errors: unknown[] = [];
    const log = makeLog({ onError: (error) => errors.push(error) });
    // A file where the log directory should be: nothing can be written.
    writeFileSync(join(dir(), 'logs'), 'in the way');
    await log.error('one');
    await log.error('two');
    await log.info('three');
    expect(errors).toHaveLength(1);
    rmSync(join(dir(), 'logs'));
    await log.info('four');
    const lines = linesOf();
    expect(lines.map((line) => line.get('msg'))).toEqual(['daemon log lines lost while the log could not be written', 'four']);
    expect(lines[0]?.get('lost')).toBe('3');
    // A new failing spell is news again.
    rmSync(join(dir(), 'logs'), { recursive: true });
    writeFileSync(join(dir(), 'logs'), 'in the way');
    await log.info('five');
    expect(errors).toHaveLength(2);
  });

  it('refuses to write through a symlink, and goes on once it is gone', async () => {
    const errors: unknown[] = [];
    const log = makeLog({ onError: (error) => errors.push(error) });
    mkdirSync(join(dir(), 'logs'), { mode: 0o700 });
    const target = join(dir(), 'elsewhere');
    writeFileSync(target, '');
    symlinkSync(target, file());
    await log.error('not through the link');
    expect(readFileSync(target, 'utf8')).toBe('');
    expect(String(errors[0])).toMatch(/symlink/);
    rmSync(file());
    await log.error('written');
    expect(linesOf().map((line) => line.get('msg'))).toEqual(['daemon log lines lost while the log could not be written', 'written']);
  });

  it('survives a callback that throws', async () => {
    const log = makeLog({
      onError: () => {
        throw new Error('callback broke');
      },
    });
    writeFileSync(join(dir(), 'logs'), 'in the way');
    await expect(log.error('x')).resolves.toBeUndefined();
  });
});
