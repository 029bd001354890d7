import { readFileSync } from 'node:fs';
import { CorruptFileError, errnoCode } from '../core/errors.js';
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
 * Reads the registry without taking the lock: writers replace it atomically. A missing
 * file is empty. Synchronous on purpose: one small local file, and a thread-pool round
 * trip is a measurable share of a short command's run time.
 */
export function readRegistry(file: string): Registry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return emptyRegistry();
    throw error;
  }
  return parseRegistry(file, text);
}
