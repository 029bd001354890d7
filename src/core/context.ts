import type { Writable } from 'node:stream';
import { LifecycleLog } from '../lifecycle/lifecycle-log.js';
import type { Config } from './config.js';
import { type Paths, pathsFor } from './paths.js';

export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
}

/** What every command gets: validated config, paths, the clock, stdio and the lifecycle log. */
export interface AppContext {
  readonly config: Config;
  readonly paths: Paths;
  readonly cwd: string;
  readonly now: () => Date;
  readonly io: Io;
  readonly log: LifecycleLog;
  /** Environment handed to child processes (tmux, runtimes), without tmux's own variables. */
  readonly childEnv: Readonly<Record<string, string>>;
  /** The node binary running iapeer, used to start the built-in demo runtime. */
  readonly nodeBin: string;
}

const NOT_INHERITED = new Set(['TMUX', 'TMUX_PANE', 'PEER_IDENTITY']);

export function childEnvOf(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !NOT_INHERITED.has(key)) result[key] = value;
  }
  return result;
}

export interface ContextInput {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly io: Io;
  readonly nodeBin: string;
  readonly now?: () => Date;
}

export function createContext(input: ContextInput): AppContext {
  const paths = pathsFor(input.config);
  const now = input.now ?? (() => new Date());
  const stderr = input.io.stderr;
  let warned = false;
  const log = new LifecycleLog(paths.lifecycleLog, {
    maxBytes: input.config.lifecycleLogMaxBytes,
    keep: input.config.lifecycleLogKeep,
    now,
    // A logging failure never fails the operation; say so once on stderr.
    onError: (error) => {
      if (warned) return;
      warned = true;
      stderr.write(`iapeer: warning: cannot write ${paths.lifecycleLog}: ${(error as Error).message}\n`);
    },
  });
  return {
    config: input.config,
    paths,
    cwd: input.cwd,
    now,
    io: input.io,
    log,
    childEnv: Object.freeze(childEnvOf(input.env)),
    nodeBin: input.nodeBin,
  };
}
