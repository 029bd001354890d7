import { dirname } from 'node:path';
import { type LifecycleEvent, eventFields } from './events.js';
import { formatLine } from '../../core/text/logfmt.js';
import { ensurePrivateDir } from '../../core/paths.js';
import { openAppendRegular } from '../../core/fs/safe-fs.js';
import type { LogRotation } from './log-rotation.js';

export interface LifecycleLogOptions extends LogRotation {
  readonly now?: () => Date;
  /** Told of a failure to log; the operation being logged goes on regardless. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Appends one logfmt line per decision. Each line is one O_APPEND write under 4 KiB,
 * so lines from several processes never interleave. Rotation happens under a lock and
 * re-checks the size under it, so two processes never shift the files at once. A log
 * (or log directory) that is a symlink, a FIFO or another user's is refused, not written
 * through or waited on; like any logging failure, that never fails the operation.
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
      await ensurePrivateDir(dirname(this.file), 'log directory');
      const handle = await openAppendRegular(this.file, 'lifecycle log');
      let size: number;
      try {
        await handle.write(line);
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
      if (size > this.options.maxBytes) {
        // Loaded only when needed: the lock library is heavy for every command's start-up.
        const { rotateLog } = await import('./rotate-log.js');
        await rotateLog(this.file, this.options);
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
