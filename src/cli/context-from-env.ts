import type { Writable } from 'node:stream';
import { loadConfig } from '../core/config.js';
import { type AppContext, createContext } from '../core/context.js';

/** What the entry point knows before any verb runs. */
export interface VerbInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homeDir: string | undefined;
  readonly nodeBin: string;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly stdinIsTTY: () => boolean;
}

/**
 * Validates the environment and builds the context a verb runs with. Every verb module
 * re-exports this, so that it runs inside the verb's own bundle: the entry bundle then
 * carries neither zod nor the config, which keeps start-up short (see scripts/build.mjs).
 */
export function contextFromEnv(input: VerbInput): AppContext {
  const config = loadConfig(input.env, input.homeDir);
  return createContext({
    config,
    env: input.env,
    cwd: input.cwd,
    nodeBin: input.nodeBin,
    io: {
      stdout: input.stdout,
      stderr: input.stderr,
      stdoutIsTTY: input.stdout.isTTY === true,
      get stdinIsTTY() {
        return input.stdinIsTTY();
      },
    },
  });
}
