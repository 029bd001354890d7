import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MarkerValue, readMarkers, writeMarker } from '../../../src/registry/markers.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

// A plain directory, not a home: useHome's cleanup would kill the made-up pids of these markers.
const root = useTempDir('iapeer-markers-');
const dir = () => join(root(), 'state', 'demo-ada');

const spawned: MarkerValue<'spawned'> = {
  at: '2025-01-01T00:00:00.000Z',
  pid: 4242,
  tty: '/dev/pts/9',
  serverPid: 4241,
  mode: 'fresh',
  cause: 'first-start',
};

beforeEach(() => {
  mkdirSync(dir(), { recursive: true, mode: 0o700 });
});

function write(name: string, value: unknown): string {
  const path = join(dir(), name);
  writeFileSync(path, JSON.stringify(value), { mode: 0o600 });
  return path;
}

describe('readMarkers', () => {
  it('reads a spawned marker with its session id, and one written before it had any', () => {
    write('spawned', { ...spawned, sessionId: '5b0c2f3e-8d41-4b7a-9e62-1f0a7c3d9b15' });
    expect(readMarkers(dir()).spawned?.sessionId).toBe('5b0c2f3e-8d41-4b7a-9e62-1f0a7c3d9b15');
    write('spawned', { ...spawned, sessionId: null });
    expect(readMarkers(dir()).spawned?.sessionId).toBeNull();
    write('spawned', spawned);
    expect(readMarkers(dir()).spawned).toEqual(spawned);
  });

  it('reads valid markers', () => {
    write('spawned', spawned);
    write('stopped', { at: spawned.at });
    expect(readMarkers(dir())).toEqual({ spawned, stopped: { at: spawned.at } });
  });

  it('ignores a FIFO marker at once, but honours a FIFO stopped or blocked', () => {
    for (const name of ['spawned', 'deaths', 'stopped', 'blocked']) execFileSync('mkfifo', [join(dir(), name)]);
    const markers = readMarkers(dir());
    expect(markers.spawned).toBeUndefined();
    expect(markers.deaths).toBeUndefined();
    expect(markers.stopped).toBeDefined();
    expect(markers.blocked).toBeDefined();
  });

  it('does not follow a symlinked marker, even to a valid one', () => {
    const elsewhere = join(root(), 'elsewhere');
    writeFileSync(elsewhere, JSON.stringify(spawned));
    symlinkSync(elsewhere, join(dir(), 'spawned'));
    expect(readMarkers(dir()).spawned).toBeUndefined();
  });

  it('treats a marker that is a directory like a corrupt one, without throwing', () => {
    mkdirSync(join(dir(), 'ready'));
    mkdirSync(join(dir(), 'stopped'));
    expect(readMarkers(dir())).toEqual({ stopped: { at: new Date(0).toISOString() } });
  });

  it('ignores a marker other users can write', () => {
    chmodSync(write('spawned', spawned), 0o666);
    expect(readMarkers(dir()).spawned).toBeUndefined();
  });

  it.skipIf(process.getuid?.() !== 0)('ignores a marker owned by another user (run as root)', () => {
    chownSync(write('spawned', spawned), 65534, 65534);
    expect(readMarkers(dir()).spawned).toBeUndefined();
  });

  it('refuses a state root other users can write', () => {
    chmodSync(join(root(), 'state'), 0o777);
    expect(() => readMarkers(dir())).toThrow(/state directory .*state has mode 0777, writable by other users; run: chmod 700 /);
  });

  it('says plainly when the identity directory is a file', () => {
    rmSync(dir(), { recursive: true });
    writeFileSync(dir(), '');
    expect(() => readMarkers(dir())).toThrow(/state directory .*demo-ada is a regular file, not a directory; move it aside/);
  });
});

describe('writeMarker', () => {
  it('refuses an invalid value before writing anything', async () => {
    const fresh = join(root(), 'state', 'demo-bob');
    const invalid = { ...spawned, pid: null } as unknown as MarkerValue<'spawned'>;
    await expect(writeMarker(fresh, 'spawned', invalid)).rejects.toThrow(
      /^refusing to write an invalid spawned marker in .*demo-bob \(pid: .*\): a bug in iapeer$/,
    );
    expect(existsSync(fresh)).toBe(false);
  });

  it('replaces a symlinked marker instead of writing through it', async () => {
    const victim = join(root(), 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir(), 'stopped'));
    await writeMarker(dir(), 'stopped', { at: spawned.at });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir(), 'stopped')).isFile()).toBe(true);
    expect(readMarkers(dir()).stopped).toEqual({ at: spawned.at });
  });

  it('refuses a symlinked identity directory or state root', async () => {
    const elsewhere = join(root(), 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    rmSync(dir(), { recursive: true });
    symlinkSync(elsewhere, dir());
    await expect(writeMarker(dir(), 'stopped', { at: spawned.at })).rejects.toThrow(/state directory .*demo-ada is a symlink/);

    const other = mkdtempSync(join(tmpdir(), 'iapeer-markers-'));
    try {
      symlinkSync(elsewhere, join(other, 'state'));
      await expect(writeMarker(join(other, 'state', 'demo-ada'), 'stopped', { at: spawned.at })).rejects.toThrow(
        /state directory .*state is a symlink/,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expect(existsSync(join(elsewhere, 'stopped'))).toBe(false);
    expect(existsSync(join(elsewhere, 'demo-ada'))).toBe(false);
  });
});
