import { RefusedError } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { eventsFileOf } from '../../core/paths.js';
import { appendEvent } from '../../transport/events/agent-events.js';
import { INTERRUPT_KIND } from '../../transport/events/event-line.js';
import { requireTarget } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { Runtime } from '../../runtimes/runtime.js';
import type { PaneInfo } from '../../transport/tmux/pane-liveness.js';
import type { AppContext } from '../context/app-context.js';
import { type SessionContext, runtimeOf, withSessions } from '../context/session-context.js';
import { ensureReady } from './wake-peer.js';

interface LivePeer {
  readonly ctx: SessionContext;
  readonly identity: string;
  readonly runtime: Runtime;
  readonly pane: PaneInfo;
}

export interface PeerTarget {
  readonly peer: string;
  readonly runtime: string | undefined;
}

/**
 * The live session of a peer, for operations on a running agent: `compact` also waits
 * for the runtime to be ready for input; `interrupt` must not (a busy agent, the one
 * worth interrupting, may show no prompt). A peer that is not live is refused, not woken.
 */
async function requireLivePeer(ctx: AppContext, target: PeerTarget, options: { ready: boolean }): Promise<LivePeer> {
  const { peer, runtime: name } = requireTarget(readRegistry(ctx.paths.registry), target.peer, target.runtime);
  const sctx = await withSessions(ctx);
  const identity = formatIdentity({ runtime: name, personality: peer.personality });
  const hint = `iapeer start ${peer.personality}${name === peer.runtimes[0] ? '' : ` ${name}`}`;
  let pane = await ensureLive(sctx, identity, hint);
  const runtime = await runtimeOf(sctx, name);
  if (options.ready) {
    await ensureReady(sctx, identity, runtime);
    // Look again after the gate: the pane may have entered copy mode meanwhile.
    pane = await ensureLive(sctx, identity, hint);
  }
  return { ctx: sctx, identity, runtime, pane };
}

async function ensureLive(ctx: SessionContext, identity: string, hint: string): Promise<PaneInfo> {
  const liveness = await ctx.sessions.inspect(identity);
  if (liveness.state !== 'live') throw new RefusedError(`${identity} is not live; start it with: ${hint}`, 'ENOTLIVE');
  return liveness.pane;
}

/**
 * Sends the runtime's interrupt key; the conversation is kept. Marked in the identity's
 * events too: Claude reports nothing on Escape, so without the mark it would read busy (or
 * needs-input) on after the turn or the dialog is gone.
 */
export async function interruptPeer(ctx: AppContext, target: PeerTarget): Promise<{ identity: string; key: string }> {
  const { ctx: sctx, identity, runtime, pane } = await requireLivePeer(ctx, target, { ready: false });
  await sctx.sessions.leaveMode(identity, pane);
  await sctx.sessions.sendKey(identity, runtime.interrupt);
  await appendEvent(eventsFileOf(ctx.paths, identity), INTERRUPT_KIND, {}, ctx.now().getTime()).catch(() => undefined);
  await ctx.log.write({ ev: 'interrupt', identity });
  return { identity, key: runtime.interrupt };
}

/** Types the runtime's compact command into a ready prompt and submits it. */
export async function compactPeer(ctx: AppContext, target: PeerTarget): Promise<{ identity: string; command: string }> {
  const { ctx: sctx, identity, runtime, pane } = await requireLivePeer(ctx, target, { ready: true });
  await sctx.sessions.leaveMode(identity, pane);
  await sctx.sessions.typeText(identity, runtime.compact);
  await sctx.sessions.sendKey(identity, 'Enter');
  await ctx.log.write({ ev: 'compact', identity });
  return { identity, command: runtime.compact };
}
