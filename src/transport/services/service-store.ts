import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { RefusedError, isIapeerError } from '../../core/errors.js';
import { readRegularFile } from '../../core/fs/safe-fs.js';
import { hasMarker } from './service-files.js';

/** What is at a service file's path: nothing, or a file iapeer wrote (its text). */
export type ServiceFileState = { readonly state: 'absent' } | { readonly state: 'ours'; readonly text: string };

/** How a write went: a new file, a changed one, or the same text as before (nothing written). */
export type WriteOutcome = 'new' | 'changed' | 'same';

function notOurs(path: string, why: string): RefusedError {
  return new RefusedError(
    `${path} ${why}, so iapeer leaves it alone; move it aside (mv ${path} ${path}.bak) or remove it, then retry`,
    'ENOTOURS',
  );
}

/**
 * Reads what is at the path, refusing anything iapeer did not write: a file without the
 * marker line, a symlink, a directory. Callers read it before they change anything.
 */
export async function readServiceFile(path: string): Promise<ServiceFileState> {
  let text: string | undefined;
  try {
    text = await readRegularFile(path, 'service file', { maxBytes: 256 * 1024 });
  } catch (error) {
    if (isIapeerError(error)) throw notOurs(path, `is not a plain file iapeer wrote (${error.message})`);
    throw error;
  }
  if (text === undefined) return { state: 'absent' };
  if (!hasMarker(text)) throw notOurs(path, 'exists but was not written by iapeer (it lacks the "Written by iapeer" line)');
  return { state: 'ours', text };
}

/** What writing `text` over the file as it is would do. */
export function writeOutcomeOf(current: ServiceFileState, text: string): WriteOutcome {
  if (current.state === 'ours' && current.text === text) return 'same';
  return current.state === 'absent' ? 'new' : 'changed';
}

/** Writes the file atomically (0644, as service managers expect) unless it already holds this text. */
export async function writeServiceFile(path: string, text: string, current: ServiceFileState): Promise<WriteOutcome> {
  const outcome = writeOutcomeOf(current, text);
  if (outcome === 'same') return outcome;
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await writeFileAtomic(path, text, { mode: 0o644 });
  return outcome;
}

/** Deletes a file iapeer wrote; one without the marker is refused, untouched. */
export async function deleteServiceFile(path: string): Promise<boolean> {
  const current = await readServiceFile(path);
  if (current.state === 'absent') return false;
  await rm(path, { force: true });
  return true;
}
