import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_SOCKET_PATH_BYTES } from '../../core/paths.js';
import { RefusedError, errnoCode } from '../../core/errors.js';

/** A control socket's name: 40 hex characters, like ssh's own %C. */
const NAME_LENGTH = 40;

/**
 * ssh reads `%` in a ControlPath as a token and an `-o` value is split on whitespace and
 * quotes: a directory holding any of them cannot carry the sockets.
 */
const UNUSABLE = /[\s%'"\\]/;

/**
 * Where the control sockets go: `<sockDir>/ssh` when a socket path there stays within the
 * unix limit and ssh can take it as it is, else `/tmp/iapeer-ssh-<uid>`.
 */
export function controlDirFor(sockDir: string, uid: number): string {
  const near = join(sockDir, 'ssh');
  const longest = join(near, 'x'.repeat(NAME_LENGTH));
  if (Buffer.byteLength(longest) <= MAX_SOCKET_PATH_BYTES && !UNUSABLE.test(near)) return near;
  return `/tmp/iapeer-ssh-${uid}`;
}

/** The socket of one host's master: named by a hash of the host's name and its `ssh` value. */
export function controlPathOf(dir: string, hostName: string, ssh: string): string {
  return join(dir, createHash('sha1').update(`${hostName}\0${ssh}`).digest('hex'));
}

/**
 * Creates the control directory 0700, or checks the one there: whoever can reach a master's
 * socket runs commands as us on that host, so one that is not ours alone is refused.
 */
export async function ensureControlDir(dir: string, uid: number): Promise<void> {
  try {
    // mkdir's mode passes through the umask: make what was made exactly 0700.
    if ((await mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined) await chmod(dir, 0o700);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') {
      throw new RefusedError(`cannot create the ssh control directory ${dir} (${errnoCode(error) ?? String(error)})`, 'ESSHDIR', { cause: error });
    }
  }
  const info = await lstat(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new RefusedError(`ssh control directory ${dir} is not a directory of its own (a symlink or a file); move it aside`, 'ESSHDIR');
  }
  if (info.uid !== uid) {
    throw new RefusedError(`ssh control directory ${dir} is owned by uid ${info.uid}, not you (uid ${uid}); remove it, or set IAPEER_SOCK_DIR to a short directory of your own`, 'ESSHDIR');
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new RefusedError(`ssh control directory ${dir} has mode ${mode}, open to other users; run: chmod 700 ${dir}`, 'ESSHDIR');
  }
}
