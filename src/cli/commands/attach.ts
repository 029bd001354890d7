import type { AppContext } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { pickRuntime, requirePeer } from '../../core/peers.js';
import { withSessions } from '../../core/session-context.js';
import { wakePeer } from '../../core/wake-peer.js';
import { readRegistry } from '../../registry/read-registry.js';
export { contextFromEnv } from '../context-from-env.js';

export function requireTerminal(ctx: AppContext, what: string): void {
  if (!ctx.io.stdinIsTTY || !ctx.io.stdoutIsTTY) {
    throw new UsageError(`${what} needs a terminal (stdin and stdout are not both a TTY)`, 'ENOTTY');
  }
}

export async function attach(options: { peer: string; runtime: string | undefined }, ctx: AppContext): Promise<number> {
  requireTerminal(ctx, 'attach');
  const peer = requirePeer(readRegistry(ctx.paths.registry), options.peer);
  const runtime = pickRuntime(peer, options.runtime);
  const sctx = await withSessions(ctx);
  const result = await wakePeer(sctx, peer, runtime, 'start');
  if (result.outcome === 'woken') await ctx.log.write({ ev: 'start', identity: result.identity, outcome: 'woken' });
  return sctx.sessions.attach(result.identity);
}
