import { readRegistry } from '../../registry/read-registry.js';
import { requireTarget } from '../../registry/peers.js';
import type { AppContext } from '../context/app-context.js';
import { withSessions } from '../context/session-context.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';

/**
 * Makes the peer live (lifting a stop or block, as `start` does), then runs tmux attach
 * on the caller's terminal; resolves with tmux's exit code once the terminal detaches.
 */
export async function attachPeer(ctx: AppContext, input: { peer: string; runtime: string | undefined }): Promise<number> {
  const { peer, runtime } = requireTarget(readRegistry(ctx.paths.registry), input.peer, input.runtime);
  const sctx = await withSessions(ctx);
  const result = await wakeAndDeliver(sctx, peer, runtime, 'start');
  if (result.outcome === 'woken') await ctx.log.write({ ev: 'start', identity: result.identity, outcome: 'woken' });
  return sctx.sessions.attach(result.identity);
}

/** Attaches to an identity that was just launched. */
export async function attachIdentity(ctx: AppContext, identity: string): Promise<number> {
  return (await withSessions(ctx)).sessions.attach(identity);
}
