import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { CorruptFileError, NotFoundError } from '../core/errors.js';
import { assertHomeSafe } from '../core/paths.js';
import { readRegularFile } from '../core/fs/safe-fs.js';
import { RUNTIME_PATTERN } from '../core/names.js';
import { unsafePatternReason } from '../core/text/regex-safety.js';
import { describeIssues } from '../core/validation.js';
import { builtinRuntimes } from './builtin-runtimes.js';
import type { Runtime, RuntimeTable } from './runtime.js';

const argv = z.array(z.string().check(z.minLength(1))).check(z.minLength(1));

/**
 * A ready pattern is matched many times a second against every screen line, so one that
 * can backtrack catastrophically is refused here (the reason says why), not run.
 */
const screenPattern = z.string().check(
  z.minLength(1),
  z.superRefine((source, ctx) => {
    const reason = unsafePatternReason(source);
    if (reason !== undefined) ctx.issues.push({ code: 'custom', message: `pattern refused: ${reason}`, input: source });
  }),
);

/** Unknown keys are refused: a misspelt "redy" should be an error, not a silently ignored line. */
const RuntimeDefinitionSchema = z.strictObject({
  fresh: argv,
  resume: z.optional(argv),
  ready: z.optional(screenPattern),
  composer: z.optional(screenPattern),
  composerEmpty: z.optional(screenPattern),
  busy: z.optional(screenPattern),
  settleMs: z.optional(z.int().check(z.gte(0), z.lte(10_000))),
  enterRetries: z.optional(z.int().check(z.gte(0), z.lte(10))),
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

function patternOf(source: string | undefined): RegExp | undefined {
  return source === undefined ? undefined : new RegExp(source, 'm');
}

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
      ready: patternOf(def.ready),
      ...(def.composer === undefined ? {} : { composer: patternOf(def.composer) }),
      ...(def.composerEmpty === undefined ? {} : { composerEmpty: patternOf(def.composerEmpty) }),
      ...(def.busy === undefined ? {} : { busy: patternOf(def.busy) }),
      ...(def.settleMs === undefined ? {} : { settleMs: def.settleMs }),
      ...(def.enterRetries === undefined ? {} : { enterRetries: def.enterRetries }),
      interrupt: def.interrupt ?? 'Escape',
      compact: def.compact ?? '/compact',
      env: def.env ?? {},
    });
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
