import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../src/core/errors.js';
import {
  assertPrivateEnough,
  openAppendRegular,
  readRegularFile,
  readRegularFileSync,
} from '../../../../src/core/fs/safe-fs.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-safe-fs-');

function refusalOf(fn: () => unknown): RefusedError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RefusedError);
    return error as RefusedError;
  }
  throw new Error('expected a RefusedError');
}

async function asyncRefusalOf(promise: Promise<unknown>): Promise<RefusedError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RefusedError);
  return error as RefusedError;
}

function fileWithMode(name: string, mode: number): string {
  const path = join(dir(), name);
  writeFileSync(path, '{}');
  chmodSync(path, mode);
  return path;
}

function dirWithMode(name: string, mode: number): string {
  const path = join(dir(), name);
  mkdirSync(path);
  chmodSync(path, mode);
  return path;
}

describe('readRegularFileSync and readRegularFile', () => {
  it('read a regular file', async () => {
    const path = join(dir(), 'peers.json');
    writeFileSync(path, '{"peers":[]}');
    expect(readRegularFileSync(path, 'registry')).toBe('{"peers":[]}');
    expect(await readRegularFile(path, 'registry')).toBe('{"peers":[]}');
  });

  it('give undefined for a missing file', async () => {
    const path = join(dir(), 'absent.json');
    expect(readRegularFileSync(path, 'registry')).toBeUndefined();
    expect(await readRegularFile(path, 'registry')).toBeUndefined();
  });

  it('refuse a symlink, even to a readable regular file', async () => {
    const target = join(dir(), 'target.json');
    writeFileSync(target, '{}');
    const link = join(dir(), 'peers.json');
    symlinkSync(target, link);
    const sync = refusalOf(() => readRegularFileSync(link, 'registry'));
    expect(sync.message).toBe(
      `registry ${link} is a symlink; iapeer does not follow links in its home: replace it with a regular file`,
    );
    expect((await asyncRefusalOf(readRegularFile(link, 'registry'))).message).toBe(sync.message);
  });

  it('refuse a FIFO without waiting for a writer', async () => {
    const fifo = join(dir(), 'peers.json');
    execFileSync('mkfifo', [fifo]);
    expect(refusalOf(() => readRegularFileSync(fifo, 'registry')).message).toBe(
      `registry ${fifo} is a fifo, not a regular file; move it aside`,
    );
    expect((await asyncRefusalOf(readRegularFile(fifo, 'registry'))).message).toContain('is a fifo');
  });

  it('refuse a directory', async () => {
    const sub = join(dir(), 'peers.json');
    mkdirSync(sub);
    expect(refusalOf(() => readRegularFileSync(sub, 'registry')).message).toBe(
      `registry ${sub} is a directory, not a regular file; move it aside`,
    );
    expect((await asyncRefusalOf(readRegularFile(sub, 'registry'))).message).toContain('is a directory');
  });

  it('refuse a file larger than the limit', async () => {
    const path = join(dir(), 'runtimes.json');
    writeFileSync(path, 'x'.repeat(100));
    expect(readRegularFileSync(path, 'runtimes file', { maxBytes: 100 })).toHaveLength(100);
    expect(refusalOf(() => readRegularFileSync(path, 'runtimes file', { maxBytes: 99 })).code).toBe('ETOOLARGE');
    expect((await asyncRefusalOf(readRegularFile(path, 'runtimes file', { maxBytes: 99 }))).code).toBe('ETOOLARGE');
  });
});

describe('readRegularFileSync and readRegularFile with privateOnly', () => {
  it('read a 0644 file, refuse a group-writable one with the chmod to run', async () => {
    const readable = fileWithMode('peers.json', 0o644);
    expect(readRegularFileSync(readable, 'registry', { privateOnly: true })).toBe('{}');
    const open = fileWithMode('runtimes.json', 0o620);
    const message = `runtimes file ${open} has mode 0620, writable by other users; run: chmod 600 ${open}`;
    expect(refusalOf(() => readRegularFileSync(open, 'runtimes file', { privateOnly: true })).message).toBe(message);
    expect((await asyncRefusalOf(readRegularFile(open, 'runtimes file', { privateOnly: true }))).message).toBe(message);
    expect(readRegularFileSync(open, 'runtimes file')).toBe('{}');
  });

  it.skipIf(process.getuid?.() !== 0)('refuse a file owned by another user (run as root)', () => {
    const theirs = fileWithMode('runtimes.json', 0o644);
    chownSync(theirs, 65534, 65534);
    expect(refusalOf(() => readRegularFileSync(theirs, 'runtimes file', { privateOnly: true })).message).toBe(
      `runtimes file ${theirs} is owned by uid 65534, not you (uid 0), so its owner could change what iapeer runs; run: chown 0 ${theirs}`,
    );
  });
});

describe('openAppendRegular', () => {
  it('creates a missing log 0600 and appends to it', async () => {
    const path = join(dir(), 'lifecycle.log');
    for (const line of ['one\n', 'two\n']) {
      const handle = await openAppendRegular(path);
      await handle.appendFile(line);
      await handle.close();
    }
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('refuses a symlink and leaves its target untouched', async () => {
    const target = join(dir(), 'victim');
    writeFileSync(target, 'precious\n');
    const link = join(dir(), 'lifecycle.log');
    symlinkSync(target, link);
    expect((await asyncRefusalOf(openAppendRegular(link))).message).toContain('is a symlink');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('refuses a FIFO without waiting for a reader', async () => {
    const fifo = join(dir(), 'lifecycle.log');
    execFileSync('mkfifo', [fifo]);
    expect((await asyncRefusalOf(openAppendRegular(fifo))).message).toBe(
      `${fifo} is a fifo, not a regular file; move it aside`,
    );
  });

  it('refuses a directory', async () => {
    const sub = join(dir(), 'lifecycle.log');
    mkdirSync(sub);
    expect((await asyncRefusalOf(openAppendRegular(sub))).message).toContain('is a directory');
  });
});

describe('assertPrivateEnough', () => {
  it('accepts a 0644 file and a 0755 directory: readable by others is fine', () => {
    expect(() => assertPrivateEnough(fileWithMode('runtimes.json', 0o644), 'file', 'runtimes file')).not.toThrow();
    expect(() => assertPrivateEnough(dirWithMode('home', 0o755), 'dir', 'home')).not.toThrow();
  });

  it('accepts an absent entry', () => {
    expect(() => assertPrivateEnough(join(dir(), 'absent'), 'dir', 'home')).not.toThrow();
  });

  it('refuses a 0666 file', () => {
    const path = fileWithMode('runtimes.json', 0o666);
    const error = refusalOf(() => assertPrivateEnough(path, 'file', 'runtimes file'));
    expect(error.code).toBe('EUNSAFE');
    expect(error.message).toBe(
      `runtimes file ${path} has mode 0666, writable by other users; run: chmod 600 ${path}`,
    );
  });

  it('refuses a 0777 directory and a group-writable one', () => {
    const open = dirWithMode('home', 0o777);
    expect(refusalOf(() => assertPrivateEnough(open, 'dir', 'home')).message).toBe(
      `home ${open} has mode 0777, writable by other users; run: chmod 700 ${open}`,
    );
    const group = dirWithMode('group', 0o770);
    expect(refusalOf(() => assertPrivateEnough(group, 'dir', 'home')).code).toBe('EUNSAFE');
  });

  it('refuses a symlink where a directory should be, and a file posing as one', () => {
    const real = dirWithMode('real', 0o700);
    const link = join(dir(), 'home');
    symlinkSync(real, link);
    expect(refusalOf(() => assertPrivateEnough(link, 'dir', 'home')).message).toContain('is a symlink');
    const file = fileWithMode('file', 0o600);
    expect(refusalOf(() => assertPrivateEnough(file, 'dir', 'home')).message).toContain('not a directory');
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a directory owned by another user (run as root)', () => {
    const theirs = dirWithMode('theirs', 0o755);
    chownSync(theirs, 65534, 65534);
    const error = refusalOf(() => assertPrivateEnough(theirs, 'dir', 'home'));
    expect(error.code).toBe('EUNSAFE');
    expect(error.message).toBe(
      `home ${theirs} is owned by uid 65534, not you (uid 0), so its owner could change what iapeer runs; run: chown 0 ${theirs}`,
    );
  });
});
