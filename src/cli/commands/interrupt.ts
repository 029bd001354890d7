import type { AppContext } from '../../core/context.js';
import { requireLivePeer } from '../../core/live-peer.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

export async function interrupt(options: { peer: string; runtime: string | undefined }, ctx: AppContext): Promise<void> {
  const { ctx: sctx, identity, runtime, pane } = await requireLivePeer(ctx, options.peer, options.runtime, { ready: false });
  await sctx.sessions.leaveMode(identity, pane);
  await sctx.sessions.sendKey(identity, runtime.interrupt);
  await ctx.log.write({ ev: 'interrupt', identity });
  printLine(ctx.io, `sent ${runtime.interrupt} to ${identity}`);
}
