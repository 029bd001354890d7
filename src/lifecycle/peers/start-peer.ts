import { readRegistry } from '../../registry/read-registry.js';
import { requireTarget } from '../../registry/peers.js';
import type { AppContext } from '../context/app-context.js';
import type { ServiceDeps } from '../services/service-setup.js';
import { type AlwaysOnStart, startAlwaysOn } from '../services/always-on-service.js';
import { withSessions } from '../context/session-context.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';
import type { WakeOutcome } from '../sessions/wake-peer.js';

/**
 * `start`: lift a stop or block and make the session live (resumed after an idle reap,
 * fresh otherwise). Returns once the runtime shows it is up. An always-on peer's session
 * is brought up by its OS service, installed and started here.
 */
export async function startPeer(
  ctx: AppContext,
  input: { peer: string; runtime: string | undefined },
  services: ServiceDeps = {},
): Promise<WakeOutcome | AlwaysOnStart> {
  const { peer, runtime } = requireTarget(readRegistry(ctx.paths.registry), input.peer, input.runtime);
  const sctx = await withSessions(ctx);
  const result = peer.alwaysOn ? await startAlwaysOn(sctx, peer, runtime, services) : await wakeAndDeliver(sctx, peer, runtime, 'start');
  await ctx.log.write({ ev: 'start', identity: result.identity, outcome: result.outcome });
  return result;
}
