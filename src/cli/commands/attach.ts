import type { AppContext } from '../../core/context.js';
import { pickRuntime, requirePeer } from '../../core/peers.js';
import { withSessions } from '../../core/session-context.js';
import { wakePeer } from '../../core/wake-peer.js';
import { readRegistry } from '../../registry/read-registry.js';
import { requireTerminal } from '../terminal.js';
export { contextFromEnv } from '../context-from-env.js';

/** Makes the peer live (lifting a stop or block, as `start` does), then attaches. */
export async function attach(options: { peer: string; runtime: string | undefined }, ctx: AppContext): Promise<number> {
  requireTerminal(ctx, 'attach');
  const peer = requirePeer(readRegistry(ctx.paths.registry), options.peer);
  const runtime = pickRuntime(peer, options.runtime);
  const sctx = await withSessions(ctx);
  const result = await wakePeer(sctx, peer, runtime, 'start');
  if (result.outcome === 'woken') await ctx.log.write({ ev: 'start', identity: result.identity, outcome: 'woken' });
  return sctx.sessions.attach(result.identity);
}
