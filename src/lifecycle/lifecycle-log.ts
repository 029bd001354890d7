import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../core/errors.js';
import { acquireLock } from '../core/file-lock.js';
import { type LifecycleEvent, eventFields } from './events.js';
import { formatLine } from './logfmt.js';

export interface LogRotation {
  readonly maxBytes: number;
  readonly keep: number;
}

export interface LifecycleLogOptions extends LogRotation {
  readonly now?: () => Date;
  /** Told of a failure to log; the operation being logged goes on regardless. */
  readonly onError?: (error: unknown) => void;
}

export function rotatedName(file: string, index: number): string {
  return `${file}.${index}`;
}

/**
 * Appends one logfmt line per decision. Each line is one O_APPEND write under 4 KiB,
 * so lines from several processes never interleave. Rotation happens under a lock and
 * re-checks the size under it, so two processes never shift the files at once.
 */
export class LifecycleLog {
  private readonly now: () => Date;

  constructor(
    readonly file: string,
    private readonly options: LifecycleLogOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async write(event: LifecycleEvent): Promise<void> {
    try {
      const line = `${formatLine(eventFields(this.now().toISOString(), event))}\n`;
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const handle = await open(this.file, 'a', 0o600);
      let size: number;
      try {
        await handle.write(line);
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
      if (size > this.options.maxBytes) await rotateLog(this.file, this.options);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

export async function rotateLog(file: string, rotation: LogRotation): Promise<void> {
  let lock;
  try {
    lock = await acquireLock(file, `${file}.lock`, { staleMs: 10_000, waitMs: 0 });
  } catch {
    // Another process is rotating; the next write will check again.
    return;
  }
  try {
    const size = await stat(file).then(
      (info) => info.size,
      () => 0,
    );
    if (size <= rotation.maxBytes) return;
    await rm(rotatedName(file, rotation.keep), { force: true });
    for (let index = rotation.keep - 1; index >= 1; index--) {
      await rename(rotatedName(file, index), rotatedName(file, index + 1)).catch((error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
      });
    }
    await rename(file, rotatedName(file, 1));
  } finally {
    await lock.release();
  }
}
