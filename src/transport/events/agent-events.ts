import { open, stat } from 'node:fs/promises';
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
const TAIL_BYTES = 256 * 1024;
/** Past this size the file is rewritten with the last session's last lines. */
export const COMPACT_AT_BYTES = 256 * 1024;
const KEEP_LINES = 200;

async function readRange(file: string, from: number, length: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, from);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const line of text.split('\n')) {
    const event = line === '' ? undefined : parseEventLine(line);
    if (event !== undefined) events.push(event);
  }
  return events;
}

/** The file's events, the last TAIL_BYTES (or all, when `whole`); none when there is no file. */
async function readEvents(file: string, whole: boolean): Promise<AgentEvent[]> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  const from = whole ? 0 : Math.max(0, size - TAIL_BYTES);
  let text = await readRange(file, from, size - from);
  // A cut first line is not an event, nor a last one the hook is still writing (its printf,
  // head and echo are separate writes).
  if (from > 0) text = text.slice(text.indexOf('\n') + 1);
  text = text.slice(0, text.lastIndexOf('\n') + 1);
  return parseLines(text);
}

/** The events since (and including) the last `iapeer-spawn`, oldest first. */
export async function readSessionEvents(file: string): Promise<AgentEvent[]> {
  const tail = await readEvents(file, false);
  if (tail.some((event) => event.kind === SPAWN_KIND)) return lastSession(tail);
  return lastSession(await readEvents(file, true));
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
  const text = await readRange(file, 0, size);
  const lines = text.split('\n').filter((line) => line !== '' && parseEventLine(line) !== undefined);
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
