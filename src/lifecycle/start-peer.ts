import { readRegistry } from '../registry/read-registry.js';
import { pickRuntime, requirePeer } from '../registry/peers.js';
import type { AppContext } from './context.js';
import { withSessions } from './session-context.js';
import { type WakeOutcome, wakePeer } from './wake-peer.js';

/**
 * `start`: lift a stop or block and make the session live (resumed after an idle reap,
 * fresh otherwise). Returns once the runtime shows it is up.
 */
export async function startPeer(ctx: AppContext, input: { peer: string; runtime: string | undefined }): Promise<WakeOutcome> {
  const peer = requirePeer(readRegistry(ctx.paths.registry), input.peer);
  const runtime = pickRuntime(peer, input.runtime);
  const result = await wakePeer(await withSessions(ctx), peer, runtime, 'start');
  await ctx.log.write({ ev: 'start', identity: result.identity, outcome: result.outcome });
  return result;
}
