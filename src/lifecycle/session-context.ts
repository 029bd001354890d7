import { ensureSockDir } from '../core/paths.js';
import { loadRuntimes, requireRuntime } from '../runtimes/load-runtimes.js';
import type { Runtime, RuntimeTable } from '../runtimes/runtime.js';
import { Sessions } from '../transport/session.js';
import { createTmuxRunner } from '../transport/tmux-client.js';
import type { AppContext } from './context.js';

/** A context for operations that drive sessions: tmux, and the runtime table on demand. */
export interface SessionContext extends AppContext {
  readonly sessions: Sessions;
  /**
   * `runtimes.json` over the built-ins, read on first use: ending, listing and removing
   * sessions never need it, so a broken file cannot keep a session alive.
   */
  runtimes(): Promise<RuntimeTable>;
}

/** Also makes sure the socket directory is private before any tmux call. */
export async function withSessions(ctx: AppContext): Promise<SessionContext> {
  await ensureSockDir(ctx.paths);
  const tmux = createTmuxRunner(ctx.config.tmuxBin, ctx.childEnv);
  let table: Promise<RuntimeTable> | undefined;
  return {
    ...ctx,
    sessions: new Sessions(tmux, ctx.paths),
    runtimes: () => (table ??= loadRuntimes(ctx.paths.runtimes, ctx.nodeBin)),
  };
}

export async function runtimeOf(ctx: SessionContext, name: string): Promise<Runtime> {
  return requireRuntime(await ctx.runtimes(), name);
}
