import { lockIdentities } from './locks.js';
import { UsageError } from '../core/errors.js';
import { formatIdentity } from '../core/names.js';
import { stateDirOf } from '../core/paths.js';
import { writeMarker } from '../registry/markers.js';
import { identitiesOf, pickRuntime, requirePeer } from '../registry/peers.js';
import { readRegistry } from '../registry/read-registry.js';
import type { AppContext } from './context.js';
import { checkStateEntries, endSession } from './end-session.js';
import { type SessionContext, withSessions } from './session-context.js';

export type StopResult =
  | { readonly identity: string; readonly ok: true; readonly was: 'live' | 'down' }
  | { readonly identity: string; readonly ok: false; readonly error: Error };

/**
 * Sessions ended at once. Ending one costs little work (no tmux client when its record
 * holds, see endSession) and mostly waits for processes to exit, so many go together.
 */
const PARALLEL_STOPS = 64;

/** Durable stop: mark first, so nothing can wake it while its session is being ended. */
export async function stopIdentity(ctx: SessionContext, identity: string): Promise<'live' | 'down'> {
  // A socket path that cannot work is refused before anything is marked.
  ctx.sessions.socketOf(identity);
  const seen = await lockIdentities(ctx, [identity], async () => {
    checkStateEntries(ctx.paths, identity);
    await writeMarker(stateDirOf(ctx.paths, identity), 'stopped', { at: ctx.now().toISOString() });
    return endSession(ctx, identity);
  });
  const was = seen.state === 'live' ? 'live' : 'down';
  await ctx.log.write({ ev: 'stop', identity, was });
  return was;
}

function identitiesToStop(ctx: AppContext, input: StopInput): string[] {
  if (input.all && input.peer !== undefined) throw new UsageError('give a peer or --all, not both');
  if (!input.all && input.peer === undefined) throw new UsageError('name the peer to stop, or use --all');
  const registry = readRegistry(ctx.paths.registry);
  if (input.all) return registry.peers.flatMap(identitiesOf);
  const peer = requirePeer(registry, input.peer as string);
  if (input.runtime === undefined) return identitiesOf(peer);
  return [formatIdentity({ runtime: pickRuntime(peer, input.runtime), personality: peer.personality })];
}

export interface StopInput {
  readonly peer: string | undefined;
  readonly runtime: string | undefined;
  readonly all: boolean;
}

/** Stops each identity asked for, several at a time; one that fails does not keep the others running. */
export async function stopPeers(ctx: AppContext, input: StopInput): Promise<StopResult[]> {
  const identities = identitiesToStop(ctx, input);
  if (identities.length === 0) return [];
  const sctx = await withSessions(ctx);
  const results: StopResult[] = new Array<StopResult>(identities.length);
  let next = 0;
  const worker = async () => {
    while (next < identities.length) {
      const index = next++;
      const identity = identities[index] as string;
      try {
        results[index] = { identity, ok: true, was: await stopIdentity(sctx, identity) };
      } catch (error) {
        results[index] = { identity, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_STOPS, identities.length) }, worker));
  return results;
}
