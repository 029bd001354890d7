import type { Liveness } from '../transport/session.js';
import type { SessionContext } from './session-context.js';

/**
 * Ends whatever server the identity has (live, dead pane, or no session) and reports
 * what was there. Nothing is left: no process, no server, no socket.
 */
export async function endSession(ctx: SessionContext, identity: string, liveness?: Liveness): Promise<Liveness> {
  const seen = liveness ?? (await ctx.sessions.inspect(identity));
  if (seen.state !== 'no-server') {
    await ctx.sessions.kill(identity, seen.state === 'live' || seen.state === 'dead-pane' ? seen.pane : undefined);
  }
  return seen;
}
