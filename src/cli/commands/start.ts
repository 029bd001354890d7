import type { AppContext } from '../../core/context.js';
import { pickRuntime, requirePeer } from '../../core/peers.js';
import { stateDirOf } from '../../core/paths.js';
import { withSessions } from '../../core/session-context.js';
import { wakePeer } from '../../core/wake-peer.js';
import { clearMarkers } from '../../lifecycle/markers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

export async function start(options: { peer: string; runtime: string | undefined }, ctx: AppContext): Promise<void> {
  const peer = requirePeer(readRegistry(ctx.paths.registry), options.peer);
  const runtime = pickRuntime(peer, options.runtime);
  const sctx = await withSessions(ctx);
  const result = await wakePeer(sctx, peer, runtime, 'start');
  // A live session may still carry a stale stop or block mark; start always lifts them.
  if (result.outcome === 'already-live') await clearMarkers(stateDirOf(ctx.paths, result.identity), ['stopped', 'blocked']);
  await ctx.log.write({ ev: 'start', identity: result.identity, outcome: result.outcome });
  printLine(
    ctx.io,
    result.outcome === 'woken'
      ? `started ${result.identity} (${result.mode}, ${result.cause}), pid ${result.pid}`
      : `${result.identity} is already live${result.pid === undefined ? '' : `, pid ${result.pid}`}`,
  );
}
