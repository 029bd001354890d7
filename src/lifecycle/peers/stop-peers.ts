import { lockIdentities } from '../context/locks.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { mapLimited } from '../../core/process/parallel.js';
import { stateDirOf } from '../../core/paths.js';
import { readMarkers, writeMarker } from '../../registry/markers.js';
import { identitiesOf, requireTarget } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { type PeerRecord, findPeer } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import type { ServiceDeps } from '../services/service-setup.js';
import { preparePeerStop, stopPeerService } from '../services/always-on-service.js';
import { checkStateEntries, endSession } from '../sessions/end-session.js';
import { type SessionContext, withSessions } from '../context/session-context.js';

export type StopResult =
  | { readonly identity: string; readonly ok: true; readonly was: 'live' | 'down' }
  | { readonly identity: string; readonly ok: false; readonly error: Error };

/**
 * Sessions ended at once. Ending one costs little work (no tmux client when its record
 * holds, see endSession) and mostly waits for processes to exit, so many go together.
 */
const PARALLEL_STOPS = 64;

/**
 * Writes the stop mark, unless an earlier stop's mark stands (nothing was spawned since it):
 * rewriting it would cost two fsyncs per identity in a `stop --all` of a mostly stopped fleet.
 */
async function markStopped(ctx: SessionContext, identity: string): Promise<void> {
  const dir = stateDirOf(ctx.paths, identity);
  const { stopped, spawned } = readMarkers(dir, ['stopped', 'spawned']);
  if (stopped !== undefined && (spawned === undefined || Date.parse(spawned.at) <= Date.parse(stopped.at))) return;
  await writeMarker(dir, 'stopped', { at: ctx.now().toISOString() });
}

/** Durable stop: mark first, so nothing can wake it while its session is being ended. */
export async function stopIdentity(ctx: SessionContext, identity: string, alwaysOn = false, services: ServiceDeps = {}): Promise<'live' | 'down'> {
  // A socket path that cannot work is refused before anything is marked.
  ctx.sessions.socketOf(identity);
  if (alwaysOn) return stopAlwaysOn(ctx, identity, services);
  const seen = await lockIdentities(ctx, [identity], async () => {
    checkStateEntries(ctx.paths, identity);
    await markStopped(ctx, identity);
    return endSession(ctx, identity);
  });
  const was = seen.state === 'live' ? 'live' : 'down';
  await ctx.log.write({ ev: 'stop', identity, was });
  return was;
}

/**
 * An always-on identity: its service is read first (one iapeer did not write is refused
 * before anything changes), then it is marked stopped, its service stopped, its session ended.
 * The service is stopped outside the identity's lock: its keeper may be waiting for that lock.
 */
async function stopAlwaysOn(ctx: SessionContext, identity: string, services: ServiceDeps): Promise<'live' | 'down'> {
  const service = await preparePeerStop(ctx, identity, services);
  await lockIdentities(ctx, [identity], async () => {
    checkStateEntries(ctx.paths, identity);
    await markStopped(ctx, identity);
  });
  const serviceStop = await stopPeerService(service).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const seen = await lockIdentities(ctx, [identity], () => endSession(ctx, identity));
  const was = seen.state === 'live' ? 'live' : 'down';
  await ctx.log.write({ ev: 'stop', identity, was });
  if (serviceStop) {
    throw new RefusedError(`${identity} is marked stopped and its session ended, but its service could not be stopped: ${serviceStop.message}`, 'ESERVICE', {
      cause: serviceStop,
    });
  }
  return was;
}

function identitiesToStop(ctx: AppContext, input: StopInput): Array<{ identity: string; alwaysOn: boolean }> {
  if (input.all && input.peer !== undefined) throw new UsageError('give a peer or --all, not both');
  if (!input.all && input.peer === undefined) throw new UsageError('name the peer to stop, or use --all');
  const registry = readRegistry(ctx.paths.registry);
  const of = (peer: PeerRecord, identities: string[]) => identities.map((identity) => ({ identity, alwaysOn: peer.alwaysOn }));
  if (input.all) return registry.peers.flatMap((peer) => of(peer, identitiesOf(peer)));
  const word = input.peer as string;
  // A peer without a runtime means all its runtimes; an identity, that one.
  const whole = input.runtime === undefined ? findPeer(registry, word) : undefined;
  if (whole) return of(whole, identitiesOf(whole));
  const { peer, runtime } = requireTarget(registry, word, input.runtime);
  return of(peer, [formatIdentity({ runtime, personality: peer.personality })]);
}

export interface StopInput {
  readonly peer: string | undefined;
  readonly runtime: string | undefined;
  readonly all: boolean;
}

/** Stops each identity asked for, several at a time; one that fails does not keep the others running. */
export async function stopPeers(ctx: AppContext, input: StopInput, services: ServiceDeps = {}): Promise<StopResult[]> {
  const identities = identitiesToStop(ctx, input);
  if (identities.length === 0) return [];
  const sctx = await withSessions(ctx);
  const results = await mapLimited(identities, PARALLEL_STOPS, async ({ identity, alwaysOn }): Promise<StopResult> => {
    try {
      return { identity, ok: true, was: await stopIdentity(sctx, identity, alwaysOn, services) };
    } catch (error) {
      return { identity, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
  });
  return results;
}
