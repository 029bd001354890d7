import type { Writable } from 'node:stream';
import { loadConfig } from '../core/config.js';
import { type AppContext, createContext } from '../lifecycle/context/app-context.js';
import type { Io } from './io.js';

/** What the entry point knows before any verb runs. */
export interface VerbInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homeDir: string | undefined;
  readonly nodeBin: string;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdinIsTTY: () => boolean;
  /** The verb being run, for notices; by default the first word of the command line. */
  readonly verb?: string;
}

/** The one dependency object a verb gets: the operations' context and the terminal. */
export interface Verb {
  readonly ctx: AppContext;
  readonly io: Io;
}

/** The verb a command line names, as the entry point finds it: its first non-option word. */
function verbOfArgv(argv: readonly string[]): string {
  return argv.slice(2).find((arg) => !arg.startsWith('-')) ?? 'iapeer';
}

/** The terminal as the entry point found it. */
export function ioOf(input: VerbInput): Io {
  return {
    stdout: input.stdout,
    stderr: input.stderr,
    stdoutIsTTY: input.stdout.isTTY === true,
    get stdinIsTTY() {
      return input.stdinIsTTY();
    },
  };
}

/**
 * Validates the environment and builds what a verb runs with. The build adds this to
 * every verb's bundle, so it runs there: the entry bundle then carries neither zod nor
 * the config, which keeps start-up short (see scripts/build.mjs).
 */
export function contextFromEnv(input: VerbInput): Verb {
  const config = loadConfig(input.env, input.homeDir);
  const verb = input.verb ?? verbOfArgv(process.argv);
  const io = ioOf(input);
  const ctx = createContext({
    config,
    env: input.env,
    cwd: input.cwd,
    nodeBin: input.nodeBin,
    // A logging failure never fails the operation; say so once on stderr.
    onLogError: (file, error) => input.stderr.write(`iapeer: warning: cannot write ${file}: ${(error as Error).message}\n`),
    // What a slow operation waits for, in the shape of an error line but never an error.
    notice: (message) => input.stderr.write(`iapeer: ${verb}: ${message}\n`),
  });
  return { ctx, io };
}
