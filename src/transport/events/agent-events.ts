import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { errnoCode } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { openAppendRegular } from '../../core/fs/safe-fs.js';
import { type AgentEvent, SPAWN_KIND, formatEventLine, lastSession, parseEventLine } from './event-line.js';

/**
 * An identity's events file (`state/<identity>/events`): the runtime's hooks append a line
 * per event, iapeer appends its own marks (a spawn, an interrupt). Reads look at the tail
 * only; compaction keeps the file small (the hook itself caps it with `ulimit -f`).
 */

/** How much of the file's end a read looks at; the spawn mark is searched further back only when it is not in there. */
const TAIL_BYTES = 64 * 1024;
/** The hook stops the file near 1–2 MiB (`ulimit -f`); anything larger is not an events file. */
const MAX_BYTES = 4 * 1024 * 1024;
/** Past this size the file is rewritten with the last session's last lines. */
export const COMPACT_AT_BYTES = 256 * 1024;
const KEEP_LINES = 200;

function parseLines(text: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const line of text.split('\n')) {
    const event = line === '' ? undefined : parseEventLine(line);
    if (event !== undefined) events.push(event);
  }
  return events;
}

/**
 * The whole lines of the file's last `bytes` (all of it when `bytes` is undefined): a cut
 * first line is not an event, nor a last one the hook is still writing (its printf, head and
 * echo are separate writes). Undefined when there is no file, or it is not a regular file of
 * a sane size (a symlink is not followed).
 */
function readTail(file: string, bytes: number | undefined): { text: string; whole: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_BYTES) return undefined;
    const from = bytes === undefined ? 0 : Math.max(0, info.size - bytes);
    const buffer = Buffer.alloc(info.size - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    let text = buffer.toString('utf8', 0, read);
    if (from > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text: text.slice(0, text.lastIndexOf('\n') + 1), whole: from === 0 };
  } finally {
    closeSync(fd);
  }
}

/** The events since (and including) the last `iapeer-spawn`, oldest first; none when the file cannot be read. */
export function readSessionEventsSync(file: string): AgentEvent[] {
  const tail = readTail(file, TAIL_BYTES);
  if (tail === undefined) return [];
  const events = parseLines(tail.text);
  if (tail.whole || events.some((event) => event.kind === SPAWN_KIND)) return lastSession(events);
  return lastSession(parseLines(readTail(file, undefined)?.text ?? ''));
}

/** readSessionEventsSync for async callers (the read is one small file). */
export function readSessionEvents(file: string): Promise<AgentEvent[]> {
  return Promise.resolve(readSessionEventsSync(file));
}

/** Appends one of iapeer's own marks (created 0600 if absent). */
export async function appendEvent(file: string, kind: string, payload: Record<string, unknown>, atMs = Date.now()): Promise<void> {
  const handle = await openAppendRegular(file, 'events file');
  try {
    await handle.write(formatEventLine(kind, atMs, payload));
  } finally {
    await handle.close();
  }
}

/**
 * Past COMPACT_AT_BYTES, rewrites the file with the last session's spawn mark and its last
 * KEEP_LINES lines. Callers hold the identity's lock; a hook appending during the rewrite
 * may lose that one line, which is why this runs only on a large file.
 */
export async function compactEvents(file: string): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
  }
  if (size <= COMPACT_AT_BYTES) return false;
  const lines = (readTail(file, undefined)?.text ?? '').split('\n').filter((line) => line !== '' && parseEventLine(line) !== undefined);
  let spawnAt = -1;
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    if (lines[index]?.startsWith(`${SPAWN_KIND} `) === true) {
      spawnAt = index;
      break;
    }
  }
  const rest = lines.slice(Math.max(spawnAt + 1, lines.length - KEEP_LINES));
  const kept = spawnAt >= 0 ? [lines[spawnAt] ?? '', ...rest] : rest;
  await writeFileAtomic(file, kept.map((line) => `${line}\n`).join(''));
  return true;
}
