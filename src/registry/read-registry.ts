import { dirname } from 'node:path';
import { CorruptFileError } from '../core/errors.js';
import { assertHomeSafe } from '../core/paths.js';
import { readRegularFileSync } from '../core/fs/safe-fs.js';
import { describeIssues } from '../core/validation.js';
import { type Registry, RegistrySchema, emptyRegistry } from './schema.js';

/** Parses registry text; anything that is not a valid version-2 registry is a CorruptFileError. */
export function parseRegistry(file: string, text: string): Registry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const problem = text.charCodeAt(0) === 0xfeff ? 'starts with a byte-order mark' : (error as Error).message;
    throw new CorruptFileError(file, `not JSON: ${problem}`);
  }
  const parsed = RegistrySchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(file, describeIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Reads the registry (`peers.json`, in the home). A missing file is empty. Refused, never
 * followed or waited on: a home or registry another user can change, a symlink, a FIFO.
 * Without the lock it is safe because writers replace the file atomically; the locked
 * writer reads it with this too. Synchronous on purpose: one small local file, and a
 * thread-pool round trip is a measurable share of a short command's run time.
 */
export function readRegistry(file: string): Registry {
  assertHomeSafe(dirname(file));
  const text = readRegularFileSync(file, 'registry', { privateOnly: true });
  return text === undefined ? emptyRegistry() : parseRegistry(file, text);
}
