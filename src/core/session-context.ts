import { loadRuntimes } from '../runtimes/load-runtimes.js';
import type { RuntimeTable } from '../runtimes/runtime.js';
import { Sessions } from '../transport/session.js';
import { createTmuxRunner } from '../transport/tmux-client.js';
import type { AppContext } from './context.js';

/** A context for commands that drive sessions: tmux and the runtime table. */
export interface SessionContext extends AppContext {
  readonly sessions: Sessions;
  readonly runtimes: RuntimeTable;
}

export async function withSessions(ctx: AppContext): Promise<SessionContext> {
  const tmux = createTmuxRunner(ctx.config.tmuxBin, ctx.childEnv);
  const runtimes = await loadRuntimes(ctx.paths.runtimes, ctx.nodeBin);
  return { ...ctx, sessions: new Sessions(tmux, ctx.paths), runtimes };
}
