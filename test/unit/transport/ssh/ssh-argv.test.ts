import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlDirFor, controlPathOf, ensureControlDir } from '../../../../src/transport/ssh/control-dir.js';
import { controlArgv, masterArgv, masterPidOf, sshArgv } from '../../../../src/transport/ssh/ssh-argv.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const REACH = { user: 'me', host: 'build.example.com', port: 2222, controlPath: '/tmp/iap/sock/ssh/abc', connectTimeoutS: 10 };
const COMMON = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2'];

describe('ssh argv', () => {
  it('a call: batch mode, the master socket without ever starting one, -T, then -- host and the one remote line', () => {
    expect(sshArgv(REACH, "printf x && exec env iapeer 'a b'")).toEqual([
      ...COMMON,
      '-o', 'ControlMaster=no', '-o', 'ControlPath=/tmp/iap/sock/ssh/abc', '-o', 'LogLevel=ERROR',
      '-p', '2222', '-l', 'me', '-T', '--', 'build.example.com', "printf x && exec env iapeer 'a b'",
    ]);
    expect(sshArgv({ ...REACH, user: undefined, port: undefined }, 'x', { tty: true }).slice(-4)).toEqual(['-t', '--', 'build.example.com', 'x']);
  });

  it('the master: ControlMaster=yes and ControlPersist, never -M on top (that would ask), -N -f', () => {
    const argv = masterArgv(REACH);
    expect(argv).toContain('ControlMaster=yes');
    expect(argv).toContain('ControlPersist=300');
    expect(argv).not.toContain('-M');
    expect(argv.slice(-4)).toEqual(['-N', '-f', '--', 'build.example.com']);
  });

  it('control commands, and the pid in the answer to check', () => {
    expect(controlArgv(REACH, 'exit').slice(-4)).toEqual(['-O', 'exit', '--', 'build.example.com']);
    expect(masterPidOf('Master running (pid=4242)\r\n')).toBe(4242);
    expect(masterPidOf('Control socket connect(/x): Connection refused')).toBeUndefined();
  });
});

describe('the control directory', () => {
  const dir = useTempDir('iap-ctl-');

  it('is <sockDir>/ssh when a socket there fits, else /tmp/iapeer-ssh-<uid>', () => {
    expect(controlDirFor('/tmp/iap-x/sock', 1000)).toBe('/tmp/iap-x/sock/ssh');
    expect(controlDirFor(`/home/${'a'.repeat(60)}/.iapeer/sock`, 1000)).toBe('/tmp/iapeer-ssh-1000');
    expect(controlDirFor('/tmp/my dir/sock', 1000)).toBe('/tmp/iapeer-ssh-1000');
    expect(controlDirFor('/tmp/100%/sock', 1000)).toBe('/tmp/iapeer-ssh-1000');
    expect(controlDirFor("/tmp/it's/sock", 1000)).toBe('/tmp/iapeer-ssh-1000');
  });

  it('names a socket by 40 hex characters, one per host entry', () => {
    const a = controlPathOf('/d', 'build', 'build.example.com');
    expect(a).toMatch(/^\/d\/[0-9a-f]{40}$/);
    expect(controlPathOf('/d', 'gpu', 'build.example.com')).not.toBe(a);
    expect(controlPathOf('/d', 'build', 'build.example.com')).toBe(a);
  });

  it('is made 0700, and one open to others, a symlink or another user’s is refused', async () => {
    const uid = process.getuid?.() ?? 0;
    const made = join(dir(), 'sock', 'ssh');
    await ensureControlDir(made, uid);
    await ensureControlDir(made, uid);
    chmodSync(made, 0o755);
    await expect(ensureControlDir(made, uid)).rejects.toThrow(/has mode 0755, open to other users; run: chmod 700/);
    const link = join(dir(), 'link');
    mkdirSync(join(dir(), 'real'), { mode: 0o700 });
    symlinkSync(join(dir(), 'real'), link);
    await expect(ensureControlDir(link, uid)).rejects.toThrow(/not a directory of its own/);
    await expect(ensureControlDir(join(dir(), 'real'), uid + 1)).rejects.toThrow(/is owned by uid \d+, not you/);
  });
});
