import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import { ConfigError, RefusedError, errnoCode } from './errors.js';

/** Unix socket paths are limited to 104 (macOS) or 108 (Linux) bytes; keep a margin. */
export const MAX_SOCKET_PATH_BYTES = 100;

export interface Paths {
  readonly home: string;
  readonly registry: string;
  readonly registryLock: string;
  readonly runtimes: string;
  readonly stateRoot: string;
  readonly logsDir: string;
  readonly lifecycleLog: string;
  readonly daemonLog: string;
  readonly daemonState: string;
  readonly queueDir: string;
  readonly sockDir: string;
}

export function pathsFor(config: Pick<Config, 'home' | 'sockDir'>): Paths {
  const { home } = config;
  return Object.freeze({
    home,
    registry: join(home, 'peers.json'),
    registryLock: join(home, 'peers.json.lock'),
    runtimes: join(home, 'runtimes.json'),
    stateRoot: join(home, 'state'),
    logsDir: join(home, 'logs'),
    lifecycleLog: join(home, 'logs', 'lifecycle.log'),
    daemonLog: join(home, 'logs', 'daemon.log'),
    daemonState: join(home, 'daemon.json'),
    queueDir: join(home, 'queue'),
    sockDir: config.sockDir,
  });
}

export function stateDirOf(paths: Paths, identity: string): string {
  return join(paths.stateRoot, identity);
}

/** The tmux socket of one identity; refused before tmux is ever called if the path is too long. */
export function socketPathOf(paths: Paths, identity: string): string {
  const path = join(paths.sockDir, identity);
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new ConfigError(
      'IAPEER_SOCK_DIR',
      `socket path ${path} is ${bytes} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit of unix sockets; point IAPEER_SOCK_DIR at a shorter directory such as /tmp/iapeer-$UID`,
    );
  }
  return path;
}

/** True when the path exists and is a directory (following links). */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** Creates a private (0700) directory and its parents; an existing one is left as it is. */
export async function ensurePrivateDir(path: string): Promise<void> {
  const created = await mkdir(path, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; make the leaf exactly 0700 when we made it.
  if (created !== undefined) await chmod(path, 0o700);
}

export async function ensureHome(paths: Paths): Promise<void> {
  await ensurePrivateDir(paths.home);
}

/**
 * Creates the socket directory 0700, or checks an existing one: anyone who can
 * reach a tmux socket can type into that agent, so a shared directory is refused.
 */
export async function ensureSockDir(paths: Paths): Promise<void> {
  await ensurePrivateDir(paths.sockDir);
  await checkSockDir(paths.sockDir);
}

async function checkSockDir(dir: string): Promise<void> {
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    throw new RefusedError(`socket directory ${dir} cannot be read (${errnoCode(error) ?? String(error)})`, 'ESOCKDIR', {
      cause: error,
    });
  }
  if (!info.isDirectory()) {
    throw new RefusedError(`socket directory ${dir} is not a directory; point IAPEER_SOCK_DIR elsewhere`, 'ESOCKDIR');
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new RefusedError(
      `socket directory ${dir} is owned by uid ${info.uid}, not you (uid ${uid}); point IAPEER_SOCK_DIR at a directory of your own`,
      'ESOCKDIR',
    );
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new RefusedError(
      `socket directory ${dir} has mode ${mode}, open to other users; run: chmod 700 ${dir}`,
      'ESOCKDIR',
    );
  }
}
