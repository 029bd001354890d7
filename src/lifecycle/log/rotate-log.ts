import { lstat, rename, rm } from 'node:fs/promises';
import { errnoCode } from '../../core/errors.js';
import { acquireLock } from '../../core/lock/file-lock.js';
import { type LogRotation, rotatedName } from './log-rotation.js';

/**
 * Shifts `file` → `.1` → … → `.keep`, dropping the oldest. Runs under a lock and
 * re-checks the size under it, so two processes never shift the files at once; a
 * process that finds the lock taken leaves the rotation to its holder. Renames and
 * removals act on names, never through links; a log that is not a regular file is
 * left alone.
 */
export async function rotateLog(file: string, rotation: LogRotation): Promise<void> {
  let lock;
  try {
    lock = await acquireLock(file, `${file}.lock`, { staleMs: 10_000, waitMs: 0 });
  } catch {
    // Another process is rotating; the next write will check again.
    return;
  }
  try {
    const size = await lstat(file).then(
      (info) => (info.isFile() ? info.size : 0),
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
