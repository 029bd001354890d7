import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { RefusedError, errnoCode } from '../errors.js';

const MiB = 1024 * 1024;

// O_NOFOLLOW refuses a symlink as the last component; O_NONBLOCK makes opening a FIFO
// return at once instead of waiting for a writer (it changes nothing for a regular file).
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const APPEND_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Where a symlink opened with O_NOFOLLOW fails: ELOOP on Linux and macOS, EMLINK on FreeBSD. */
const SYMLINK_CODES = new Set(['ELOOP', 'EMLINK']);

function label(path: string, what?: string): string {
  return what === undefined ? path : `${what} ${path}`;
}

export function kindOf(info: Stats): string {
  if (info.isFile()) return 'regular file';
  if (info.isFIFO()) return 'fifo';
  if (info.isDirectory()) return 'directory';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  if (info.isSymbolicLink()) return 'symlink';
  return 'special file';
}

function symlinkRefusal(path: string, what?: string): RefusedError {
  return new RefusedError(
    `${label(path, what)} is a symlink; iapeer does not follow links in its home: replace it with a regular file`,
    'EUNSAFE',
  );
}

function kindRefusal(path: string, kind: string, what?: string): RefusedError {
  return new RefusedError(`${label(path, what)} is a ${kind}, not a regular file; move it aside`, 'EUNSAFE');
}

function sizeRefusal(path: string, maxBytes: number, what?: string): RefusedError {
  return new RefusedError(
    `${label(path, what)} is larger than ${maxBytes} bytes; iapeer will not read it: move it aside`,
    'ETOOLARGE',
  );
}

/**
 * Turns an open() failure into a refusal the user can act on. ELOOP can also mean a
 * loop among the parent directories, so only a confirmed symlink gets the symlink message.
 */
function openRefusal(path: string, error: unknown, what?: string): unknown {
  const code = errnoCode(error);
  if (code !== undefined && SYMLINK_CODES.has(code)) {
    const isLink = (() => {
      try {
        return lstatSync(path).isSymbolicLink();
      } catch {
        return false;
      }
    })();
    return isLink ? symlinkRefusal(path, what) : error;
  }
  // Opening a FIFO for writing without a reader fails with ENXIO under O_NONBLOCK.
  if (code === 'ENXIO') return kindRefusal(path, 'fifo', what);
  if (code === 'EISDIR') return kindRefusal(path, 'directory', what);
  return error;
}

export interface ReadOptions {
  /** Refuse anything larger (default 16 MiB). */
  readonly maxBytes?: number;
  /** Also refuse a file another user owns or can write: its content decides what iapeer runs. */
  readonly privateOnly?: boolean;
}

function checkRegular(path: string, info: Stats, options: ReadOptions, what: string): number {
  const maxBytes = options.maxBytes ?? 16 * MiB;
  if (!info.isFile()) throw kindRefusal(path, kindOf(info), what);
  if (options.privateOnly === true) {
    const problem = privacyProblem(path, info, 'file', what);
    if (problem) throw problem;
  }
  if (info.size > maxBytes) throw sizeRefusal(path, maxBytes, what);
  return maxBytes;
}

/**
 * A read buffer fitted to what fstat said is left (one byte over, to meet EOF), at most
 * 64 KiB. Small ones come from Node's shared pool: the daemon reads hundreds of tiny
 * markers a tick, and a fresh 64 KiB buffer for each would bloat its memory.
 */
function chunkSize(size: number, done: number): number {
  return Math.min(64 * 1024, Math.max(512, size - done + 1));
}

/** Joins chunks read until EOF, refusing once more than `maxBytes` arrived (the file may grow after fstat). */
function collect(chunks: Buffer[], total: number, path: string, maxBytes: number, what: string): string {
  if (total > maxBytes) throw sizeRefusal(path, maxBytes, what);
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * Reads a small file of iapeer's home, or undefined when it is absent. Refuses a symlink,
 * a FIFO, a directory or a device, and anything over `maxBytes`, without ever blocking.
 * The checks are made on the opened file (fstat), so nothing can be swapped in between.
 * Synchronous on purpose: start-up reads a few small files and sync is faster there.
 */
export function readRegularFileSync(path: string, what: string, options: ReadOptions = {}): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw openRefusal(path, error, what);
  }
  try {
    const info = fstatSync(fd);
    const maxBytes = checkRegular(path, info, options, what);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkSize(info.size, total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) break;
    }
    return collect(chunks, total, path, maxBytes, what);
  } finally {
    closeSync(fd);
  }
}

/** The asynchronous twin of `readRegularFileSync`, same refusals. */
export async function readRegularFile(path: string, what: string, options: ReadOptions = {}): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw openRefusal(path, error, what);
  }
  try {
    const info = await handle.stat();
    const maxBytes = checkRegular(path, info, options, what);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkSize(info.size, total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) break;
    }
    return collect(chunks, total, path, maxBytes, what);
  } finally {
    await handle.close();
  }
}

/**
 * Opens a log for appending, creating it with `mode` if absent; refuses a symlink
 * (its target would receive the lines) and a FIFO (a write could block forever).
 */
export async function openAppendRegular(path: string, what?: string, mode = 0o600): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, APPEND_FLAGS, mode);
  } catch (error) {
    throw openRefusal(path, error, what);
  }
  let info: Stats;
  try {
    info = await handle.stat();
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (!info.isFile()) {
    await handle.close();
    throw kindRefusal(path, kindOf(info), what);
  }
  return handle;
}

function modeOf(info: Stats): string {
  return (info.mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * Why an entry another user could change must not be trusted: owned by someone else,
 * or writable by group or others (readable is fine). Undefined when it is private enough.
 */
export function privacyProblem(path: string, info: Stats, kind: 'dir' | 'file', what: string): RefusedError | undefined {
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    return new RefusedError(
      `${what} ${path} is owned by uid ${info.uid}, not you (uid ${uid}), so its owner could change what iapeer runs; run: chown ${uid} ${path}`,
      'EUNSAFE',
    );
  }
  if ((info.mode & 0o022) !== 0) {
    return new RefusedError(
      `${what} ${path} has mode ${modeOf(info)}, writable by other users; run: chmod ${kind === 'dir' ? '700' : '600'} ${path}`,
      'EUNSAFE',
    );
  }
  return undefined;
}

/**
 * Refuses a directory or file of iapeer's home that another user could change: owned by
 * someone else, or writable by group or others (readable is fine). A directory must be a
 * real directory, a file a regular file, neither a symlink. An absent entry passes: there
 * is nothing to trust yet. Check the home first: once it is private, nobody else can
 * swap the entries inside it between this check and their use.
 */
export function assertPrivateEnough(path: string, kind: 'dir' | 'file', what: string): void {
  let info: Stats;
  try {
    info = lstatSync(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw new RefusedError(`${what} ${path} cannot be checked (${errnoCode(error) ?? String(error)})`, 'EUNSAFE', {
      cause: error,
    });
  }
  if (info.isSymbolicLink()) {
    throw new RefusedError(
      `${what} ${path} is a symlink; iapeer does not follow links in its home: replace it with a real ${kind === 'dir' ? 'directory' : 'file'}`,
      'EUNSAFE',
    );
  }
  if (kind === 'dir' && !info.isDirectory()) {
    throw new RefusedError(`${what} ${path} is a ${kindOf(info)}, not a directory; move it aside`, 'EUNSAFE');
  }
  if (kind === 'file' && !info.isFile()) throw kindRefusal(path, kindOf(info), what);
  const problem = privacyProblem(path, info, kind, what);
  if (problem) throw problem;
}
