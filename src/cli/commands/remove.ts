import { rm } from 'node:fs/promises';
import type { AppContext } from '../../core/context.js';
import { endSession } from '../../core/end-session.js';
import { withIdentityLocks } from '../../core/identity-lock.js';
import { RefusedError } from '../../core/errors.js';
import { parsePersonality } from '../../core/names.js';
import { identitiesOf } from '../../core/peers.js';
import { stateDirOf } from '../../core/paths.js';
import { withSessions } from '../../core/session-context.js';
import { removeState } from '../../lifecycle/markers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findPeer } from '../../registry/schema.js';
import { updateRegistry } from '../../registry/update-registry.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

export async function remove(options: { peer: string; force: boolean }, ctx: AppContext): Promise<void> {
  const personality = parsePersonality(options.peer);
  const peer = findPeer(readRegistry(ctx.paths.registry), personality);
  if (!peer) {
    await ctx.log.write({ ev: 'remove', personality, outcome: 'absent' });
    return printLine(ctx.io, `no peer named ${personality}; nothing to remove`);
  }
  const sctx = await withSessions(ctx);
  const identities = identitiesOf(peer);
  const live = await withIdentityLocks(ctx.paths, identities, async () => {
    const looks = await Promise.all(identities.map(async (identity) => ({ identity, liveness: await sctx.sessions.inspect(identity) })));
    const running = looks.filter((look) => look.liveness.state === 'live').map((look) => look.identity);
    if (running.length > 0 && !options.force) {
      throw new RefusedError(
        `${personality} is live (${running.join(', ')}); stop it first (iapeer stop ${personality}) or use --force`,
        'ELIVE',
      );
    }
    // End every session before the record goes, so nothing is left running unowned.
    for (const { identity, liveness } of looks) await endSession(sctx, identity, liveness);
    await updateRegistry(ctx.paths, (current) => ({
      next: findPeer(current, personality) ? { ...current, peers: current.peers.filter((p) => p.personality !== personality) } : undefined,
      value: undefined,
    }));
    for (const identity of identities) {
      await removeState(stateDirOf(ctx.paths, identity));
      await rm(sctx.sessions.socketOf(identity), { force: true });
    }
    return running;
  });
  await ctx.log.write({ ev: 'remove', personality, outcome: 'removed', ended: live.length });
  printLine(ctx.io, `removed ${personality}${live.length > 0 ? ` (ended ${live.join(', ')})` : ''}`);
}
