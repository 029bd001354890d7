import { type Stats, lstatSync, statSync } from 'node:fs';
import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import { ConfigError, RefusedError, errnoCode } from './errors.js';
import { assertPrivateEnough, kindOf, privacyProblem } from './fs/safe-fs.js';

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
  /** The daemon's leveled operational log. */
  readonly daemonLog: string;
  /** The daemon's live state, rewritten every tick (`daemon.json`). */
  readonly daemonState: string;
  /** The unix socket the running daemon listens on (one daemon per home); never an identity's name. */
  readonly daemonSocket: string;
  readonly queueDir: string;
  /** Ids of messages that came from other hosts, kept so that a retry is known (`duplicate`). */
  readonly receivedDir: string;
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
    daemonSocket: join(config.sockDir, 'daemon.sock'),
    queueDir: join(home, 'queue'),
    receivedDir: join(home, 'received'),
    sockDir: config.sockDir,
  });
}

export function stateDirOf(paths: Paths, identity: string): string {
  return join(paths.stateRoot, identity);
}

/** The identity's agent events: a line per runtime hook event and per iapeer mark (src/transport/events). */
export function eventsFileOf(paths: Paths, identity: string): string {
  return join(paths.stateRoot, identity, 'events');
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

/**
 * Creates a private (0700) directory and its parents; an existing one is kept if it is
 * private enough (see assertPrivateEnough), so nothing is ever written through a symlink
 * or into a directory another user can change.
 */
export async function ensurePrivateDir(path: string, what = 'directory'): Promise<void> {
  let created: string | undefined;
  try {
    created = await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    // A file where the directory should be: say so plainly.
    assertPrivateEnough(path, 'dir', what);
    throw error;
  }
  // mkdir's mode is filtered by the umask; make the leaf exactly 0700 when we made it.
  if (created !== undefined) await chmod(path, 0o700);
  else assertPrivateEnough(path, 'dir', what);
}

/** Homes this process found safe: every command reads its home, so it is checked once, cheaply. */
const safeHomes = new Set<string>();

/**
 * Refuses a home another user owns or can write: its owner decides what iapeer runs
 * (runtimes.json) and for whom (peers.json). Readable by others is fine; an absent home
 * passes (iapeer creates it 0700). A symlinked home is followed, as dotfile links are
 * common, but only a link of yours or root's, which nobody else can retarget.
 */
export function assertHomeSafe(home: string): void {
  if (safeHomes.has(home)) return;
  let info = homeStats(home, lstatSync);
  if (info?.isSymbolicLink()) {
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid && info.uid !== 0) {
      throw new RefusedError(
        `iapeer home ${home} is a symlink owned by uid ${info.uid}, who could point it elsewhere; point IAPEER_HOME at a directory of your own`,
        'EUNSAFE',
      );
    }
    info = homeStats(home, statSync);
  }
  if (info === undefined) return;
  if (!info.isDirectory()) throw notADirectory('IAPEER_HOME', home, `a ${kindOf(info)}`);
  const problem = privacyProblem(home, info, 'dir', 'iapeer home');
  if (problem) throw problem;
  safeHomes.add(home);
}

/** The home's stats, or undefined when it is absent (a dangling link included). */
function homeStats(home: string, statOf: (path: string) => Stats): Stats | undefined {
  try {
    return statOf(home);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw notADirectory('IAPEER_HOME', home, 'a path through a file');
    throw new RefusedError(`iapeer home ${home} cannot be checked (${code ?? String(error)})`, 'EUNSAFE', { cause: error });
  }
}

function notADirectory(variable: string, path: string, what: string): ConfigError {
  return new ConfigError(variable, `${path} is ${what}, not a directory; point ${variable} at a directory of your own`);
}

export async function ensureHome(paths: Paths): Promise<void> {
  assertHomeSafe(paths.home);
  const created = await mkdir(paths.home, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(paths.home, 0o700);
}

/**
 * Creates the socket directory 0700, or checks an existing one: anyone who can
 * reach a tmux socket can type into that agent, so a shared directory is refused.
 * Called just before a session is spawned, so a refused command leaves no directory behind.
 */
export async function ensureSockDir(paths: Paths): Promise<void> {
  try {
    const created = await mkdir(paths.sockDir, { recursive: true, mode: 0o700 });
    if (created !== undefined) await chmod(paths.sockDir, 0o700);
  } catch (error) {
    await checkSockDir(paths.sockDir);
    throw error;
  }
  await checkSockDir(paths.sockDir);
}

/** The socket directory's checks, without creating it: an absent one passes. */
export async function checkSockDirIfPresent(paths: Paths): Promise<void> {
  await checkSockDir(paths.sockDir, true);
}

async function checkSockDir(dir: string, absentIsFine = false): Promise<void> {
  let info: Stats;
  try {
    info = await lstat(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' && absentIsFine) return;
    if (code === 'ENOTDIR') throw notADirectory('IAPEER_SOCK_DIR', dir, 'a path through a file');
    throw new RefusedError(`socket directory ${dir} cannot be read (${code ?? String(error)})`, 'ESOCKDIR', {
      cause: error,
    });
  }
  if (info.isSymbolicLink()) {
    throw new RefusedError(`socket directory ${dir} is a symlink; point IAPEER_SOCK_DIR at a real directory`, 'ESOCKDIR');
  }
  if (!info.isDirectory()) throw notADirectory('IAPEER_SOCK_DIR', dir, `a ${kindOf(info)}`);
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
