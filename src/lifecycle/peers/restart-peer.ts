import { RefusedError, messageOf } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { requireTarget } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { type PeerRecord, findPeer } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { withSessions } from '../context/session-context.js';
import type { ServiceDeps } from '../services/service-setup.js';
import { type StartResult, startIdentity } from './start-peer.js';
import { stopIdentity } from './stop-peers.js';

export interface Restarted {
  readonly identity: string;
  /** Whether it was live when the stop came. */
  readonly was: 'live' | 'down';
  readonly start: StartResult;
}

/**
 * `restart`: `stop` then `start` of each identity, each step under the identity's lock as
 * those verbs take it; between the two the stop mark keeps everything else from waking it.
 * So it comes back as `start` brings up a stopped identity: fresh (`cause=operator`), or
 * resumed if its last session had been reaped idle. Without a runtime, the peer's live
 * runtimes are restarted, or its first one if none is live.
 */
export async function restartPeer(ctx: AppContext, input: { peer: string; runtime: string | undefined }, services: ServiceDeps = {}): Promise<Restarted[]> {
  const registry = readRegistry(ctx.paths.registry);
  const whole = input.runtime === undefined ? findPeer(registry, input.peer) : undefined;
  const sctx = await withSessions(ctx);
  let peer: PeerRecord;
  let runtimes: string[];
  if (whole) {
    peer = whole;
    const live: string[] = [];
    for (const runtime of whole.runtimes) {
      if ((await sctx.sessions.inspect(formatIdentity({ runtime, personality: whole.personality }))).state === 'live') live.push(runtime);
    }
    runtimes = live.length > 0 ? live : [whole.runtimes[0] as string];
  } else {
    const target = requireTarget(registry, input.peer, input.runtime);
    peer = target.peer;
    runtimes = [target.runtime];
  }
  const restarted: Restarted[] = [];
  for (const runtime of runtimes) {
    const identity = formatIdentity({ runtime, personality: peer.personality });
    const was = await stopIdentity(sctx, identity, peer.alwaysOn, services);
    const start = await startIdentity(sctx, peer, runtime, services).catch((error: unknown) => {
      throw new RefusedError(`${identity} was stopped but did not start again: ${messageOf(error)}; once that is fixed: iapeer start ${identity}`, 'ESTARTFAILED', {
        cause: error,
      });
    });
    restarted.push({ identity, was, start });
  }
  return restarted;
}
