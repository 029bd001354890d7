import type { AppContext } from '../../core/context.js';
import { requireLivePeer } from '../../core/live-peer.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

export async function compact(options: { peer: string; runtime: string | undefined }, ctx: AppContext): Promise<void> {
  const { ctx: sctx, identity, runtime, pane } = await requireLivePeer(ctx, options.peer, options.runtime, { ready: true });
  await sctx.sessions.leaveMode(identity, pane);
  await sctx.sessions.typeText(identity, runtime.compact);
  await sctx.sessions.sendKey(identity, 'Enter');
  await ctx.log.write({ ev: 'compact', identity });
  printLine(ctx.io, `submitted ${runtime.compact} to ${identity}`);
}
