import type { AppContext } from '../../core/context.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { identitiesOf, pickRuntime, requirePeer } from '../../core/peers.js';
import { withSessions } from '../../core/session-context.js';
import { stopIdentity } from '../../core/stop-identity.js';
import { readRegistry } from '../../registry/read-registry.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

/** Stops each identity asked for; one that fails does not keep the others running. */
export async function stop(options: { peer: string | undefined; runtime: string | undefined; all: boolean }, ctx: AppContext): Promise<void> {
  if (options.all && options.peer !== undefined) throw new UsageError('give a peer or --all, not both');
  if (!options.all && options.peer === undefined) throw new UsageError('name the peer to stop, or use --all');
  const registry = readRegistry(ctx.paths.registry);
  let identities: string[];
  if (options.all) {
    identities = registry.peers.flatMap(identitiesOf);
  } else {
    const peer = requirePeer(registry, options.peer as string);
    identities =
      options.runtime === undefined
        ? identitiesOf(peer)
        : [formatIdentity({ runtime: pickRuntime(peer, options.runtime), personality: peer.personality })];
  }
  const sctx = await withSessions(ctx);
  const failures: string[] = [];
  for (const identity of identities) {
    try {
      const was = await stopIdentity(sctx, identity);
      printLine(ctx.io, `stopped ${identity}${was === 'live' ? '' : ' (it was not running)'}`);
    } catch (error) {
      failures.push(`${identity}: ${(error as Error).message}`);
    }
  }
  if (identities.length === 0) printLine(ctx.io, 'no peers to stop');
  if (failures.length > 0) throw new RefusedError(`could not stop ${failures.join('; ')}`, 'ESTOPFAILED');
}
