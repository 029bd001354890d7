import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { RefusedError, errnoCode } from '../../core/errors.js';
import { kindOf } from '../../core/fs/safe-fs.js';
import { rotatedName } from './log-rotation.js';
import { timeOfLine } from './log-filter.js';

// Never through a symlink, never waiting on a FIFO (O_NONBLOCK changes nothing for a file).
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;
/**
 * A line's `ts` is taken just before its write, so a file may end with a line stamped a little
 * earlier than lines above it; a rotated file is skipped for `--since` only this far before.
 */
const SKIP_SLACK_MS = 60_000;

/** The log itself at 0, then its rotated files: `lifecycle.log.1` newest … `.N` oldest. */
function nameAt(file: string, index: number): string {
  return index === 0 ? file : rotatedName(file, index);
}

interface LogFile {
  readonly handle: FileHandle;
  readonly path: string;
  /** Device and inode: the file's identity, whatever name rotation gives it. */
  readonly key: string;
}

export function keyOf(info: { dev: number; ino: number }): string {
  return `${info.dev}:${info.ino}`;
}

async function openLogFile(path: string): Promise<LogFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    // Gone: rotated away or dropped between listing and opening.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // O_NOFOLLOW's refusal of a symlink; ELOOP can also be a loop among the parent directories.
    const isLink = (code === 'ELOOP' || code === 'EMLINK') && (await lstat(path).then((info) => info.isSymbolicLink(), () => false));
    if (isLink) throw new RefusedError(`lifecycle log ${path} is a symlink; iapeer does not follow links in its home: move it aside`, 'EUNSAFE');
    throw error;
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new RefusedError(`lifecycle log ${path} is a ${kindOf(info)}, not a regular file; move it aside`, 'EUNSAFE');
  }
  return { handle, path, key: keyOf(info) };
}

export async function closeAll(files: Iterable<LogFile>): Promise<void> {
  await Promise.all([...files].map((file) => file.handle.close().catch(() => undefined)));
}

/** The highest `.N` in the directory now. */
async function highestListed(file: string): Promise<number> {
  const prefix = `${basename(file)}.`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  let highest = 0;
  for (const name of names) {
    const suffix = name.slice(prefix.length);
    if (name.startsWith(prefix) && /^[1-9]\d{0,8}$/.test(suffix)) highest = Math.max(highest, Number(suffix));
  }
  return highest;
}

/**
 * Opens the log's files newest first, each once (by inode), stopping before the file
 * `stopAt` if given. Rotation only moves files to older names, so opening in this order
 * can meet a file twice but never miss one; the open handles then read each whole file
 * whatever it is renamed to. Past the last name listed, opening goes on while files are
 * found, for those a rotation shifted there meanwhile.
 */
export async function openNewestFirst(file: string, stopAt?: string): Promise<{ files: LogFile[]; found: boolean }> {
  const listed = await highestListed(file);
  const files: LogFile[] = [];
  const seen = new Set<string>();
  try {
    for (let index = 0; ; index++) {
      const opened = await openLogFile(nameAt(file, index));
      if (opened === undefined) {
        if (index >= listed) return { files, found: false };
        continue;
      }
      if (opened.key === stopAt) {
        await opened.handle.close();
        return { files, found: true };
      }
      if (seen.has(opened.key)) {
        await opened.handle.close();
        continue;
      }
      seen.add(opened.key);
      files.push(opened);
    }
  } catch (error) {
    await closeAll(files);
    throw error;
  }
}

/**
 * Reads one open file's lines from a position, a chunk at a time. Split as bytes on the
 * newline, which no UTF-8 sequence contains, then decoded a chunk at once: the fast path.
 */
export class LineReader {
  private position = 0;
  /** Bytes read after the last newline, kept at the start of the buffer. */
  private held = 0;
  private buffer: Buffer | undefined;

  constructor(readonly file: LogFile) {}

  /** The complete lines from the position to the current end; an unterminated tail is held back. */
  async *lines(): AsyncGenerator<string[]> {
    // One buffer per file, reused by every poll.
    const buffer = (this.buffer ??= Buffer.allocUnsafe(CHUNK_BYTES));
    for (;;) {
      const { bytesRead } = await this.file.handle.read(buffer, this.held, CHUNK_BYTES - this.held, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      const end = this.held + bytesRead;
      const newline = buffer.lastIndexOf(NEWLINE, end - 1);
      if (newline === -1) {
        this.held = end;
        // A whole chunk without a newline is no log line: cut it (between characters) rather than hold more.
        if (end === CHUNK_BYTES) yield this.cut();
        continue;
      }
      const lines = buffer.toString('utf8', 0, newline).split('\n');
      buffer.copy(buffer, 0, newline + 1, end);
      this.held = end - newline - 1;
      yield lines;
    }
  }

  /** The held bytes up to the last whole character, as a line. */
  private cut(): string[] {
    const buffer = this.buffer ?? Buffer.alloc(0);
    let cut = this.held;
    while (cut > this.held - 3 && ((buffer[cut - 1] ?? 0) & 0xc0) === 0x80) cut--;
    if (((buffer[cut - 1] ?? 0) & 0xc0) === 0xc0) cut--;
    const text = buffer.toString('utf8', 0, cut);
    buffer.copy(buffer, 0, cut, this.held);
    this.held -= cut;
    return [text];
  }

  /** The unterminated tail as a line of its own, for a file that will not grow any more. */
  rest(): string[] {
    const tail = this.buffer?.toString('utf8', 0, this.held) ?? '';
    this.held = 0;
    return tail === '' ? [] : [tail];
  }

  /** Starts over when the file was truncated in place (copytruncate). */
  async restartIfTruncated(): Promise<void> {
    const { size } = await this.file.handle.stat();
    if (size >= this.position) return;
    this.position = 0;
    this.held = 0;
  }
}

async function* wholeFile(file: LogFile): AsyncGenerator<string[]> {
  const reader = new LineReader(file);
  yield* reader.lines();
  const rest = reader.rest();
  if (rest.length > 0) yield rest;
}

/** True when the file's last line is stamped before `ms`: none of it can be wanted. */
async function endsBefore(file: LogFile, ms: number): Promise<boolean> {
  const { size } = await file.handle.stat();
  const length = Math.min(size, 8192);
  if (length === 0) return true;
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.handle.read(buffer, 0, length, size - length);
  const lines = buffer.subarray(0, bytesRead).toString('utf8').split('\n');
  const last = lines.findLast((line) => line !== '') ?? '';
  const ts = timeOfLine(last);
  return ts < ms - SKIP_SLACK_MS;
}

export interface ReadLogOptions {
  /** Epoch ms: a rotated file that ends before this is skipped unread (the caller still filters lines). */
  readonly notBeforeMs?: number | undefined;
}

/** Older files first: the newest is read as it grows, the rest whole, skipped when `notBeforeMs` rules them out. */
export async function* backlog(files: readonly LogFile[], options: ReadLogOptions): AsyncGenerator<string[]> {
  for (const file of [...files].reverse().slice(0, -1)) {
    if (options.notBeforeMs !== undefined && (await endsBefore(file, options.notBeforeMs))) continue;
    yield* wholeFile(file);
  }
}

/**
 * The lifecycle log and its rotated files, oldest first, in batches of lines. A missing
 * log yields nothing; a rotation while it reads loses and repeats no line (see
 * openNewestFirst); a last line without its newline is yielded as it is.
 */
export async function* readLog(file: string, options: ReadLogOptions = {}): AsyncGenerator<readonly string[]> {
  const { files } = await openNewestFirst(file);
  try {
    yield* backlog(files, options);
    const newest = files[0];
    if (newest !== undefined) yield* wholeFile(newest);
  } finally {
    await closeAll(files);
  }
}
