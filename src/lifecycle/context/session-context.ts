import { type Paths, assertHomeSafe, checkSockDirIfPresent, ensureSockDir } from '../../core/paths.js';
import { loadRuntimes, requireRuntime } from '../../runtimes/load-runtimes.js';
import type { Runtime, RuntimeTable } from '../../runtimes/runtime.js';
import { Sessions, type SpawnedPane } from '../../transport/tmux/sessions.js';
import type { NewSessionSpec } from '../../transport/tmux/tmux-args.js';
import { type TmuxRunner, createTmuxRunner } from '../../transport/tmux/tmux-client.js';
import type { AppContext } from './app-context.js';

/** A context for operations that drive sessions: tmux, and the runtime table on demand. */
export interface SessionContext extends AppContext {
  readonly sessions: Sessions;
  /**
   * `runtimes.json` over the built-ins, read on first use: ending, listing and removing
   * sessions never need it, so a broken file cannot keep a session alive.
   */
  runtimes(): Promise<RuntimeTable>;
}

/**
 * Sessions whose socket directory is created only when one is spawned: a command that is
 * refused, or only looks, leaves no directory behind (an absent one means no server).
 */
class SpawningSessions extends Sessions {
  constructor(
    tmux: TmuxRunner,
    private readonly dirs: Paths,
  ) {
    super(tmux, dirs);
  }

  override async spawn(spec: NewSessionSpec): Promise<SpawnedPane | undefined> {
    await ensureSockDir(this.dirs);
    return super.spawn(spec);
  }
}

function hasSessions(ctx: AppContext): ctx is SessionContext {
  return 'sessions' in ctx;
}

/**
 * The operation's tmux runner and runtime table, built once: an operation that already has
 * them passes its own context on, and what it calls reuses them. Checks the home and an
 * existing socket directory (private, a real directory) before any tmux call.
 */
export async function withSessions(ctx: AppContext): Promise<SessionContext> {
  if (hasSessions(ctx)) return ctx;
  assertHomeSafe(ctx.paths.home);
  await checkSockDirIfPresent(ctx.paths);
  const tmux = createTmuxRunner(ctx.config.tmuxBin, ctx.childEnv);
  let table: Promise<RuntimeTable> | undefined;
  return {
    ...ctx,
    sessions: new SpawningSessions(tmux, ctx.paths),
    runtimes: () => (table ??= loadRuntimes(ctx.paths.runtimes, ctx.nodeBin)),
  };
}

export async function runtimeOf(ctx: SessionContext, name: string): Promise<Runtime> {
  return requireRuntime(await ctx.runtimes(), name);
}
