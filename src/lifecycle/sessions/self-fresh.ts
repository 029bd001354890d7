import { lockIdentities } from '../context/locks.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { tryParseIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { escapeControl } from '../../core/text/terminal-text.js';
import { readMarkers, writeMarker } from '../../registry/markers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findIdentity } from '../../registry/peers.js';
import type { AppContext } from '../context/app-context.js';
import { endSession } from './end-session.js';
import { recordDeath } from './record-death.js';
import { lastSpawnUnaccounted } from './session-accounting.js';
import { withSessions } from '../context/session-context.js';

/** The caller's identity from `PEER_IDENTITY`, checked against the registry. */
export function callerIdentity(ctx: AppContext): string {
  const raw = ctx.config.peerIdentity;
  if (raw === undefined) {
    throw new RefusedError('PEER_IDENTITY is not set: this is for an agent inside its own iapeer session', 'ENOIDENTITY');
  }
  if (!tryParseIdentity(raw)) throw new RefusedError(`PEER_IDENTITY "${escapeControl(raw.slice(0, 80))}" is not an identity like claude-boris`, 'ENOIDENTITY');
  if (!findIdentity(readRegistry(ctx.paths.registry), raw)) {
    throw new RefusedError(`PEER_IDENTITY ${raw} is not a registered peer and runtime`, 'ENOIDENTITY');
  }
  return raw;
}

export interface SelfFreshHooks {
  /** Called once the mark is durable, just before the session (and maybe this process) ends. */
  readonly onMarked?: (identity: string) => void;
}

/**
 * Agent self-call: mark the identity for an eager fresh relaunch (keeping the handoff),
 * then end its own session. Mark first, kill second: if the kill takes the caller with
 * it, the mark is already there.
 */
export async function selfFresh(ctx: AppContext, input: { handoff: string | undefined }, hooks: SelfFreshHooks = {}): Promise<{ identity: string }> {
  const identity = callerIdentity(ctx);
  const handoff = input.handoff ?? null;
  const bytes = handoff === null ? 0 : Buffer.byteLength(handoff);
  if (bytes > MAX_TEXT_BYTES) throw new UsageError(`the handoff is ${bytes} bytes, over the ${MAX_TEXT_BYTES}-byte limit of a message`, 'EINVALIDVALUE');
  const sctx = await withSessions(ctx);
  await lockIdentities(ctx, [identity], async () => {
    const dir = stateDirOf(ctx.paths, identity);
    const running = lastSpawnUnaccounted(readMarkers(dir));
    await writeMarker(dir, 'new-eager', { at: ctx.now().toISOString(), handoff });
    await ctx.log.write({ ev: 'self-fresh', identity, handoff: bytes });
    // The end counts for the crash-loop guard: an agent that self-freshes at every start gets blocked.
    if (running) await recordDeath(ctx, identity, undefined, { selfFresh: true });
    hooks.onMarked?.(identity);
    await endSession(sctx, identity);
  });
  return { identity };
}
