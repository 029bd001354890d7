import { readRegistry } from '../../registry/read-registry.js';
import { requireTarget } from '../../registry/peers.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import type { ServiceDeps } from '../services/service-setup.js';
import { type AlwaysOnStart, startAlwaysOn } from '../services/always-on-service.js';
import { type SessionContext, withSessions } from '../context/session-context.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';
import type { WakeOutcome } from '../sessions/wake-peer.js';

export type StartResult = WakeOutcome | AlwaysOnStart;

/**
 * `start`: lift a stop or block and make the session live (resumed after an idle reap,
 * fresh otherwise). Returns once the runtime shows it is up. An always-on peer's session
 * is brought up by its OS service, installed and started here.
 */
export async function startPeer(ctx: AppContext, input: { peer: string; runtime: string | undefined }, services: ServiceDeps = {}): Promise<StartResult> {
  const { peer, runtime } = requireTarget(readRegistry(ctx.paths.registry), input.peer, input.runtime);
  return startIdentity(await withSessions(ctx), peer, runtime, services);
}

/** What `start` does for one of the peer's runtimes (restart and start --all do the same). */
export async function startIdentity(ctx: SessionContext, peer: PeerRecord, runtime: string, services: ServiceDeps = {}): Promise<StartResult> {
  const result = peer.alwaysOn ? await startAlwaysOn(ctx, peer, runtime, services) : await wakeAndDeliver(ctx, peer, runtime, 'start');
  await ctx.log.write({ ev: 'start', identity: result.identity, outcome: result.outcome });
  return result;
}
