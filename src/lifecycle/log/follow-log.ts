import { lstat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ReadLogOptions, LineReader, backlog, closeAll, keyOf, openNewestFirst } from './read-log.js';

export const FOLLOW_POLL_MS = 200;
/** How long a file rotated away is still read, for a writer that opened it just before the rename. */
export const RETIRE_MS = 5000;

export interface FollowLogOptions extends ReadLogOptions {
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly retireMs?: number;
}

/** Whether `file` now names another file than `key` (or none): it was rotated. */
async function renamedAway(file: string, key: string): Promise<boolean> {
  return lstat(file).then(
    (info) => keyOf(info) !== key,
    () => true,
  );
}

/**
 * Like readLog, then keeps yielding lines as they are written until `signal` aborts,
 * across rotations: when the name moves on, the file being read is read to its end, the
 * files rotated in after it are read whole, and the new file becomes the one followed.
 * A line is yielded only once its newline is written. A file rotated away is still read
 * for a while (RETIRE_MS), for a writer that opened it just before the rename.
 */
export async function* followLog(file: string, options: FollowLogOptions): AsyncGenerator<readonly string[]> {
  const { signal } = options;
  const pollMs = options.pollMs ?? FOLLOW_POLL_MS;
  const retireMs = options.retireMs ?? RETIRE_MS;
  let current: LineReader | undefined;
  let retiring: Array<{ reader: LineReader; untilMs: number }> = [];
  let starting = true;
  try {
    while (!signal.aborted) {
      const now = Date.now();
      for (const { reader, untilMs } of retiring) {
        yield* reader.lines();
        if (now < untilMs) continue;
        const rest = reader.rest();
        if (rest.length > 0) yield rest;
        await reader.file.handle.close();
      }
      retiring = retiring.filter(({ untilMs }) => now < untilMs);
      if (current === undefined) {
        const { files } = await openNewestFirst(file);
        const [newest] = files;
        if (newest !== undefined) {
          current = new LineReader(newest);
          try {
            // Files found after the first look were all written since: read them whole.
            yield* backlog(files, starting ? options : {});
          } finally {
            await closeAll(files.slice(1));
          }
        }
      } else if (await renamedAway(file, current.file.key)) {
        const { files, found } = await openNewestFirst(file, current.file.key);
        // Not found: the file followed was deleted, not rotated; only a new log comes after it.
        const newer = found ? files : files.filter((opened, index) => index === 0 && opened.path === file);
        await closeAll(files.filter((opened) => !newer.includes(opened)));
        const [newest] = newer;
        if (newest !== undefined) {
          yield* current.lines();
          retiring.push({ reader: current, untilMs: Date.now() + retireMs });
          current = new LineReader(newest);
          try {
            yield* backlog(newer, {});
          } finally {
            await closeAll(newer.slice(1));
          }
        }
      }
      starting = false;
      if (current !== undefined) {
        await current.restartIfTruncated();
        yield* current.lines();
      }
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await closeAll([...retiring.map(({ reader }) => reader), ...(current ? [current] : [])].map((reader) => reader.file));
  }
}
