import { dirname } from 'node:path';
import { CorruptFileError, NotFoundError } from '../core/errors.js';
import { assertHomeSafe } from '../core/paths.js';
import { readRegularFile } from '../core/fs/safe-fs.js';
import { describeIssues } from '../core/validation.js';
import { builtinRuntimes } from './builtin-runtimes.js';
import { mergeRuntime } from './merge-runtime.js';
import { RuntimesFileSchema } from './runtimes-schema.js';
import type { Runtime, RuntimeTable } from './runtime.js';

export function parseRuntimesFile(file: string, text: string, builtins: readonly Runtime[]): RuntimeTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptFileError(file, `not JSON: ${(error as Error).message}`);
  }
  const parsed = RuntimesFileSchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(file, describeIssues(parsed.error.issues));
  const byName = new Map(builtins.map((runtime) => [runtime.name, runtime]));
  const table = new Map(byName);
  for (const [name, def] of Object.entries(parsed.data.runtimes)) {
    const merged = mergeRuntime(name, def, byName);
    if (typeof merged === 'string') throw new CorruptFileError(file, `runtimes.${name}.${merged}`);
    table.set(name, merged);
  }
  return table;
}

/**
 * Built-in runtimes overlaid with `runtimes.json` (in the home), if there is one. Its
 * commands are run as the caller, so a file or home another user can change is refused,
 * as are a symlink and a FIFO.
 */
export async function loadRuntimes(file: string, nodeBin: string): Promise<RuntimeTable> {
  const builtins = builtinRuntimes(nodeBin);
  assertHomeSafe(dirname(file));
  const text = await readRegularFile(file, 'runtimes file', { privateOnly: true, maxBytes: 1024 * 1024 });
  if (text === undefined) return new Map(builtins.map((runtime) => [runtime.name, runtime]));
  return parseRuntimesFile(file, text, builtins);
}

export function requireRuntime(table: RuntimeTable, name: string): Runtime {
  const runtime = table.get(name);
  if (!runtime) {
    throw new NotFoundError(`unknown runtime "${name}": known runtimes are ${[...table.keys()].sort().join(', ')}`);
  }
  return runtime;
}
