import { loadRuntimes } from '../runtimes/load-runtimes.js';
import type { RuntimeTable } from '../runtimes/runtime.js';
import { Sessions } from '../transport/session.js';
import { createTmuxRunner } from '../transport/tmux-client.js';
import type { AppContext } from './context.js';
import { ensureSockDir } from './paths.js';

/** A context for commands that drive sessions: tmux and the runtime table. */
export interface SessionContext extends AppContext {
  readonly sessions: Sessions;
  readonly runtimes: RuntimeTable;
}

/** Also makes sure the socket directory is private before any tmux call (CONTRACT §2). */
export async function withSessions(ctx: AppContext): Promise<SessionContext> {
  await ensureSockDir(ctx.paths);
  const tmux = createTmuxRunner(ctx.config.tmuxBin, ctx.childEnv);
  const runtimes = await loadRuntimes(ctx.paths.runtimes, ctx.nodeBin);
  return { ...ctx, sessions: new Sessions(tmux, ctx.paths), runtimes };
}
