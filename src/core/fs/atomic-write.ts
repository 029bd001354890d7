import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../errors.js';
import { uniqueSuffix } from './unique-name.js';

export interface AtomicWriteOptions {
  readonly mode?: number;
  /** Runs after the data is durable in the temp file and before the rename; throw to abort. */
  readonly beforeCommit?: () => Promise<void>;
}

/** Temp files are `<name>.<pid>.<hex>.tmp` beside their target. */
function tempNameFor(path: string): string {
  return join(dirname(path), `${basename(path)}.${uniqueSuffix()}.tmp`);
}

export function isTempFileOf(target: string, candidate: string): boolean {
  const prefix = `${basename(target)}.`;
  return candidate.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(candidate.slice(prefix.length));
}

/**
 * Replaces `path` so that a reader sees the old or the new content, never a torn
 * file, even across a crash: exclusive temp file, fsync, rename, fsync of the directory.
 */
export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = tempNameFor(path);
  const handle = await open(temp, 'wx', options.mode ?? 0o600);
  let committed = false;
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeCommit?.();
    await rename(temp, path);
    committed = true;
  } finally {
    if (!committed) await rm(temp, { force: true });
  }
  await syncDirectory(dirname(path));
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms refuse fsync on a directory; the rename is still atomic there.
    if (errnoCode(error) !== 'EINVAL' && errnoCode(error) !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}
