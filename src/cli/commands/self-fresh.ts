import type { AppContext } from '../../core/context.js';
import { endSession } from '../../core/end-session.js';
import { withIdentityLocks } from '../../core/identity-lock.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { tryParseIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { withSessions } from '../../core/session-context.js';
import { writeMarker } from '../../lifecycle/markers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findPeer } from '../../registry/schema.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

/** Agent self-call: mark the identity for an eager fresh relaunch, then end its own session. */
export async function selfFresh(options: { handoff: string | undefined }, ctx: AppContext): Promise<void> {
  const raw = ctx.config.peerIdentity;
  if (raw === undefined) {
    throw new RefusedError('PEER_IDENTITY is not set: self-fresh is for an agent inside its own iapeer session', 'ENOIDENTITY');
  }
  const identity = tryParseIdentity(raw);
  if (!identity) throw new RefusedError(`PEER_IDENTITY ${JSON.stringify(raw.slice(0, 80))} is not an identity like claude-boris`, 'ENOIDENTITY');
  const peer = findPeer(readRegistry(ctx.paths.registry), identity.personality);
  if (!peer?.runtimes.includes(identity.runtime)) {
    throw new RefusedError(`PEER_IDENTITY ${raw} is not a registered peer and runtime`, 'ENOIDENTITY');
  }
  const handoff = options.handoff ?? null;
  if (handoff !== null && Buffer.byteLength(handoff) > MAX_TEXT_BYTES) {
    throw new UsageError(`--handoff is over ${MAX_TEXT_BYTES} bytes, the bound of a message`, 'EINVALIDVALUE');
  }
  const sctx = await withSessions(ctx);
  // This process runs inside the session it ends, in the pane's process group: the
  // hang-up (and a TERM, if the runtime lingers) reaches it too. Outlive them long
  // enough to finish the clean-up, which removes the socket.
  process.on('SIGHUP', () => {});
  process.on('SIGTERM', () => {});
  await withIdentityLocks(ctx.paths, [raw], async () => {
    // Mark first, kill second: if the kill takes this process with it, the mark is already there.
    await writeMarker(stateDirOf(ctx.paths, raw), 'new-eager', { at: ctx.now().toISOString(), handoff });
    await ctx.log.write({ ev: 'self-fresh', identity: raw, handoff: handoff === null ? 0 : Buffer.byteLength(handoff) });
    printLine(ctx.io, `${raw} marked for a fresh relaunch; ending this session`);
    await endSession(sctx, raw);
  });
}
