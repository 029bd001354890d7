import { lockIdentities, updatePeers } from '../context/locks.js';
import { readdir, rm } from 'node:fs/promises';
import { RefusedError } from '../../core/errors.js';
import { parsePersonality, tryParseIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { removeState } from '../../registry/markers.js';
import { identitiesOf } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findPeer } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { endSession } from '../sessions/end-session.js';
import { preparePeerServicesRemoval } from '../services/always-on-service.js';
import { withSessions } from '../context/session-context.js';

export type RemoveResult =
  | { readonly outcome: 'absent'; readonly personality: string }
  | { readonly outcome: 'removed'; readonly personality: string; readonly ended: readonly string[] };

/** State left by runtimes the peer no longer lists (an older record) goes with it too. */
async function leftoverIdentities(stateRoot: string, personality: string): Promise<string[]> {
  const names = await readdir(stateRoot).catch(() => [] as string[]);
  return names.filter((name) => tryParseIdentity(name)?.personality === personality);
}

function liveRefusal(personality: string, running: readonly string[]): RefusedError {
  return new RefusedError(`${personality} is live (${running.join(', ')}); stop it first (iapeer stop ${personality}) or use --force`, 'ELIVE');
}

/**
 * Deletes a peer's record through the locked writer, and the OS services of its identities. A live peer is refused unless
 * `force`, which ends its sessions first: nothing is ever left running without a record.
 */
export async function removePeer(ctx: AppContext, input: { peer: string; force: boolean }): Promise<RemoveResult> {
  const personality = parsePersonality(input.peer);
  const peer = findPeer(readRegistry(ctx.paths.registry), personality);
  if (!peer) {
    await ctx.log.write({ ev: 'remove', personality, outcome: 'absent' });
    return { outcome: 'absent', personality };
  }
  const sctx = await withSessions(ctx);
  const identities = [...new Set([...identitiesOf(peer), ...(await leftoverIdentities(ctx.paths.stateRoot, personality))])];
  const removeServices = await preparePeerServicesRemoval(ctx, identities);
  if (!input.force) {
    // Refused while live before its services are touched; checked again under the locks.
    const live = await Promise.all(identities.map(async (identity) => (await sctx.sessions.inspect(identity)).state === 'live'));
    if (live.some(Boolean)) throw liveRefusal(personality, identities.filter((_, index) => live[index]));
  }
  // Their keepers go first (outside the locks, which a keeper may be waiting for).
  await removeServices();
  const ended = await lockIdentities(ctx, identities, async () => {
    const looks = await Promise.all(identities.map(async (identity) => ({ identity, liveness: await sctx.sessions.inspect(identity) })));
    const running = looks.filter((look) => look.liveness.state === 'live').map((look) => look.identity);
    if (running.length > 0 && !input.force) throw liveRefusal(personality, running);
    // End every session before the record goes, so nothing is left running unowned.
    await Promise.all(looks.map(({ identity, liveness }) => endSession(sctx, identity, liveness)));
    await updatePeers(ctx, (current) => ({
      next: findPeer(current, personality) ? { ...current, peers: current.peers.filter((p) => p.personality !== personality) } : undefined,
      value: undefined,
    }));
    for (const identity of identities) {
      await removeState(stateDirOf(ctx.paths, identity));
      await rm(sctx.sessions.socketOf(identity), { force: true });
    }
    return running;
  });
  await ctx.log.write({ ev: 'remove', personality, outcome: 'removed', ended: ended.length });
  return { outcome: 'removed', personality, ended };
}
