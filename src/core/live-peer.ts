import { readRegistry } from '../registry/read-registry.js';
import { requireRuntime } from '../runtimes/load-runtimes.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { PaneInfo } from '../transport/session.js';
import type { AppContext } from './context.js';
import { RefusedError } from './errors.js';
import { formatIdentity } from './names.js';
import { pickRuntime, requirePeer } from './peers.js';
import { type SessionContext, withSessions } from './session-context.js';
import { ensureReady } from './wake-peer.js';

export interface LivePeer {
  readonly ctx: SessionContext;
  readonly identity: string;
  readonly runtime: Runtime;
  readonly pane: PaneInfo;
}

/**
 * The live session of a peer, for commands that act on a running agent: `compact` also
 * waits for the runtime to be ready for input; `interrupt` must not (a busy agent, the one
 * worth interrupting, may show no prompt). A peer that is not live is refused, not woken.
 */
export async function requireLivePeer(
  ctx: AppContext,
  peerName: string,
  runtimeName: string | undefined,
  options: { ready: boolean },
): Promise<LivePeer> {
  const peer = requirePeer(readRegistry(ctx.paths.registry), peerName);
  const name = pickRuntime(peer, runtimeName);
  const sctx = await withSessions(ctx);
  const runtime = requireRuntime(sctx.runtimes, name);
  const identity = formatIdentity({ runtime: name, personality: peer.personality });
  let pane = await ensureLive(sctx, identity, peer.personality);
  if (options.ready) {
    await ensureReady(sctx, identity, runtime);
    // Look again after the gate: the pane may have entered copy mode meanwhile.
    pane = await ensureLive(sctx, identity, peer.personality);
  }
  return { ctx: sctx, identity, runtime, pane };
}

async function ensureLive(ctx: SessionContext, identity: string, personality: string): Promise<PaneInfo> {
  const liveness = await ctx.sessions.inspect(identity);
  if (liveness.state !== 'live') {
    throw new RefusedError(`${identity} is not live; start it with: iapeer start ${personality}`, 'ENOTLIVE');
  }
  return liveness.pane;
}
