import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, RefusedError } from '../../../src/core/errors.js';
import { assertHomeSafe, checkSockDirIfPresent, ensureHome, ensurePrivateDir, ensureSockDir, pathsFor } from '../../../src/core/paths.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-home-checks-');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function subdir(name: string, mode = 0o700): string {
  const path = join(dir(), name);
  mkdirSync(path);
  chmodSync(path, mode);
  return path;
}

describe('assertHomeSafe', () => {
  it('accepts a private or 0755 home, an absent one, and a link of yours to one', () => {
    expect(() => assertHomeSafe(subdir('private'))).not.toThrow();
    expect(() => assertHomeSafe(subdir('readable', 0o755))).not.toThrow();
    expect(() => assertHomeSafe(join(dir(), 'absent'))).not.toThrow();
    symlinkSync(subdir('target'), join(dir(), 'link'));
    expect(() => assertHomeSafe(join(dir(), 'link'))).not.toThrow();
  });

  it('refuses a group- or world-writable home, naming the chmod to run', () => {
    const open = subdir('open', 0o777);
    const error = thrown(() => assertHomeSafe(open));
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).exitCode).toBe(1);
    expect((error as RefusedError).message).toBe(`iapeer home ${open} has mode 0777, writable by other users; run: chmod 700 ${open}`);
    expect(() => assertHomeSafe(subdir('group', 0o770))).toThrow(/has mode 0770/);
  });

  it('refuses a link to a world-writable home', () => {
    symlinkSync(subdir('open', 0o777), join(dir(), 'link'));
    expect(() => assertHomeSafe(join(dir(), 'link'))).toThrow(/has mode 0777/);
  });

  it('makes a file, or a path through one, a usage error naming IAPEER_HOME', () => {
    const file = join(dir(), 'file');
    writeFileSync(file, '');
    for (const [path, what] of [
      [file, 'a regular file'],
      [join(file, 'sub'), 'a path through a file'],
    ] as const) {
      const error = thrown(() => assertHomeSafe(path));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as ConfigError).message).toBe(
        `IAPEER_HOME: ${path} is ${what}, not a directory; point IAPEER_HOME at a directory of your own`,
      );
    }
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a home owned by another user, and a link they own (run as root)', () => {
    const theirs = subdir('theirs', 0o755);
    chownSync(theirs, 65534, 65534);
    expect(() => assertHomeSafe(theirs)).toThrow(
      `iapeer home ${theirs} is owned by uid 65534, not you (uid 0), so its owner could change what iapeer runs; run: chown 0 ${theirs}`,
    );
    const link = join(dir(), 'their-link');
    symlinkSync(subdir('mine'), link);
    execFileSync('chown', ['-h', '65534', link]);
    expect(() => assertHomeSafe(link)).toThrow(/is a symlink owned by uid 65534/);
  });

  it('ensureHome creates a missing home 0700 and refuses an unsafe one before creating anything in it', async () => {
    const home = join(dir(), 'new', 'home');
    await ensureHome(pathsFor({ home, sockDir: join(home, 'sock') }));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const open = subdir('open', 0o777);
    await expect(ensureHome(pathsFor({ home: open, sockDir: join(open, 'sock') }))).rejects.toThrow(/has mode 0777/);
  });
});

describe('ensurePrivateDir', () => {
  it('creates 0700, keeps a private one, refuses a symlink, an open directory and a file', async () => {
    await ensurePrivateDir(join(dir(), 'a', 'b'), 'state directory');
    expect(statSync(join(dir(), 'a', 'b')).mode & 0o777).toBe(0o700);
    await ensurePrivateDir(join(dir(), 'a', 'b'), 'state directory');

    symlinkSync(subdir('target'), join(dir(), 'link'));
    await expect(ensurePrivateDir(join(dir(), 'link'), 'state directory')).rejects.toThrow(/state directory .*link is a symlink/);
    await expect(ensurePrivateDir(subdir('open', 0o777), 'state directory')).rejects.toThrow(/has mode 0777/);
    writeFileSync(join(dir(), 'file'), '');
    await expect(ensurePrivateDir(join(dir(), 'file'), 'state directory')).rejects.toThrow(
      /state directory .*file is a regular file, not a directory; move it aside/,
    );
  });
});

describe('the socket directory', () => {
  const pathsWith = (sockDir: string) => pathsFor({ home: dir(), sockDir });

  it('checkSockDirIfPresent creates nothing; ensureSockDir creates it 0700', async () => {
    const sockDir = join(dir(), 'sock');
    await checkSockDirIfPresent(pathsWith(sockDir));
    expect(existsSync(sockDir)).toBe(false);
    await ensureSockDir(pathsWith(sockDir));
    expect(statSync(sockDir).mode & 0o777).toBe(0o700);
    await checkSockDirIfPresent(pathsWith(sockDir));
  });

  it('a file, or a path through one, is a usage error naming IAPEER_SOCK_DIR, for both', async () => {
    const file = join(dir(), 'file');
    writeFileSync(file, 'precious');
    for (const check of [checkSockDirIfPresent, ensureSockDir]) {
      const error: unknown = await check(pathsWith(file)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        `IAPEER_SOCK_DIR: ${file} is a regular file, not a directory; point IAPEER_SOCK_DIR at a directory of your own`,
      );
      await expect(check(pathsWith(join(file, 'sub')))).rejects.toThrow(/^IAPEER_SOCK_DIR: .* is a path through a file/);
    }
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  it('an open existing one is refused by the check that creates nothing', async () => {
    const open = subdir('sock', 0o755);
    await expect(checkSockDirIfPresent(pathsWith(open))).rejects.toThrow(`socket directory ${open} has mode 0755, open to other users; run: chmod 700 ${open}`);
  });
});
