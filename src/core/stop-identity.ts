import { writeMarker } from '../lifecycle/markers.js';
import { endSession } from './end-session.js';
import { withIdentityLocks } from './identity-lock.js';
import { stateDirOf } from './paths.js';
import type { SessionContext } from './session-context.js';

/** Durable stop: mark first, so nothing can wake it while its session is being ended. */
export async function stopIdentity(ctx: SessionContext, identity: string): Promise<'live' | 'down'> {
  const seen = await withIdentityLocks(ctx.paths, [identity], async () => {
    await writeMarker(stateDirOf(ctx.paths, identity), 'stopped', { at: ctx.now().toISOString() });
    return endSession(ctx, identity);
  });
  const was = seen.state === 'live' ? 'live' : 'down';
  await ctx.log.write({ ev: 'stop', identity, was });
  return was;
}
