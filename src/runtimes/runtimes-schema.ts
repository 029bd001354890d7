import * as z from 'zod/mini';
import { RUNTIME_PATTERN } from '../core/names.js';
import { unsafePatternReason } from '../core/text/regex-safety.js';

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
export const RuntimeDefinitionSchema = z.strictObject({
  // Required of a new runtime; an entry named like a built-in may leave it out (see mergeRuntime).
  fresh: z.optional(argv),
  wiring: z.optional(z.enum(['claude', 'codex', 'none'], 'expected "claude", "codex" or "none"')),
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

export const RuntimesFileSchema = z.strictObject({
  runtimes: z.record(z.string().check(z.regex(RUNTIME_PATTERN, 'invalid runtime name')), RuntimeDefinitionSchema),
});

export type RuntimeDefinition = z.infer<typeof RuntimeDefinitionSchema>;
