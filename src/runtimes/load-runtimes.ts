import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { CorruptFileError, NotFoundError, errnoCode } from '../core/errors.js';
import { RUNTIME_PATTERN } from '../core/names.js';
import { describeIssues } from '../core/validation.js';
import { builtinRuntimes } from './builtin-runtimes.js';
import type { Runtime, RuntimeTable } from './runtime.js';

const argv = z.array(z.string().check(z.minLength(1))).check(z.minLength(1));

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'm');
    return true;
  } catch {
    return false;
  }
}

/** Unknown keys are refused: a misspelt "redy" should be an error, not a silently ignored line. */
const RuntimeDefinitionSchema = z.strictObject({
  fresh: argv,
  resume: z.optional(argv),
  ready: z.optional(z.string().check(z.minLength(1), z.refine(compiles, 'not a valid regular expression'))),
  interrupt: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'expected a tmux key name such as Escape or C-c'))),
  compact: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  env: z.optional(
    z.record(
      z.string().check(
        z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'),
        z.refine((name) => name !== 'PEER_IDENTITY', 'PEER_IDENTITY is set by iapeer'),
      ),
      z.string(),
    ),
  ),
});

const RuntimesFileSchema = z.strictObject({
  runtimes: z.record(z.string().check(z.regex(RUNTIME_PATTERN, 'invalid runtime name')), RuntimeDefinitionSchema),
});

export function parseRuntimesFile(file: string, text: string, builtins: readonly Runtime[]): RuntimeTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptFileError(file, `not JSON: ${(error as Error).message}`);
  }
  const parsed = RuntimesFileSchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(file, describeIssues(parsed.error.issues));
  const table = new Map(builtins.map((runtime) => [runtime.name, runtime]));
  for (const [name, def] of Object.entries(parsed.data.runtimes)) {
    table.set(name, {
      name,
      fresh: def.fresh,
      resume: def.resume ?? def.fresh,
      ready: def.ready === undefined ? undefined : new RegExp(def.ready, 'm'),
      interrupt: def.interrupt ?? 'Escape',
      compact: def.compact ?? '/compact',
      env: def.env ?? {},
      builtin: false,
    });
  }
  return table;
}

/** Built-in runtimes overlaid with `runtimes.json`, if there is one. */
export async function loadRuntimes(file: string, nodeBin: string): Promise<RuntimeTable> {
  const builtins = builtinRuntimes(nodeBin);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return new Map(builtins.map((runtime) => [runtime.name, runtime]));
    throw error;
  }
  return parseRuntimesFile(file, text, builtins);
}

export function requireRuntime(table: RuntimeTable, name: string): Runtime {
  const runtime = table.get(name);
  if (!runtime) {
    throw new NotFoundError(`unknown runtime "${name}": known runtimes are ${[...table.keys()].sort().join(', ')}`);
  }
  return runtime;
}
