import type { Config } from '../../core/config.js';
import { type Paths, pathsFor } from '../../core/paths.js';
import { QueueStore } from '../../transport/queue/queue-store.js';
import { ReceivedIds } from '../../transport/queue/received-ids.js';
import { LifecycleLog } from '../log/lifecycle-log.js';

/**
 * What every operation gets: validated config, paths, the clock and the lifecycle log.
 * Built once by an entry point (CLI verb, daemon, MCP server); operations never print.
 */
export interface AppContext {
  readonly config: Config;
  readonly paths: Paths;
  readonly cwd: string;
  readonly now: () => Date;
  readonly log: LifecycleLog;
  /** The durable message queue (`queue/`). */
  readonly queue: QueueStore;
  /** The ids of messages taken from other hosts (`received/`). */
  readonly received: ReceivedIds;
  /** Environment handed to child processes (tmux, runtimes), without tmux's own variables. */
  readonly childEnv: Readonly<Record<string, string>>;
  /** The node binary running iapeer, used to start the built-in demo runtime. */
  readonly nodeBin: string;
  /**
   * Tells the person at the terminal what a slow operation waits for (a held lock), or that
   * it took over a dead process's lock; absent where nobody is watching. Operations take
   * locks through locks.ts, which passes it on.
   */
  readonly notice?: (message: string) => void;
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
  readonly nodeBin: string;
  readonly now?: () => Date;
  /** Told once of a failure to write the lifecycle log; the operation goes on regardless. */
  readonly onLogError?: (file: string, error: unknown) => void;
  readonly notice?: (message: string) => void;
}

export function createContext(input: ContextInput): AppContext {
  const paths = pathsFor(input.config);
  const now = input.now ?? (() => new Date());
  let warned = false;
  const log = new LifecycleLog(paths.lifecycleLog, {
    maxBytes: input.config.lifecycleLogMaxBytes,
    keep: input.config.lifecycleLogKeep,
    now,
    onError: (error) => {
      if (warned) return;
      warned = true;
      input.onLogError?.(paths.lifecycleLog, error);
    },
  });
  return {
    config: input.config,
    paths,
    cwd: input.cwd,
    now,
    log,
    queue: new QueueStore(paths.queueDir),
    received: new ReceivedIds(paths.receivedDir),
    childEnv: Object.freeze(childEnvOf(input.env)),
    nodeBin: input.nodeBin,
    ...(input.notice ? { notice: input.notice } : {}),
  };
}
