import { stateDirOf } from './paths.js';
import { readMarkers, writeMarker } from '../lifecycle/markers.js';
import type { SessionContext } from './session-context.js';
import type { Liveness } from '../transport/session.js';

/** Fast deaths count towards the crash-loop guard (CONTRACT §9). */
export const FAST_DEATH_MS = 30_000;
const DEATHS_KEPT = 20;

/**
 * Ends whatever server the identity has (live or with a dead pane) and reports what
 * was there. Nothing is left: no process, no server, no socket.
 */
export async function endSession(ctx: SessionContext, identity: string, liveness?: Liveness): Promise<Liveness> {
  const seen = liveness ?? (await ctx.sessions.inspect(identity));
  if (seen.state !== 'no-server') {
    await ctx.sessions.kill(identity, seen.state === 'live' || seen.state === 'dead-pane' ? seen.pane : undefined);
  }
  return seen;
}

/** Records the end of a session iapeer started, for the crash-loop guard and post-mortems. */
export async function recordDeath(ctx: SessionContext, identity: string, exit: number | undefined): Promise<void> {
  const dir = stateDirOf(ctx.paths, identity);
  const markers = readMarkers(dir);
  const now = ctx.now();
  const spawnedAt = markers.spawned ? Date.parse(markers.spawned.at) : Number.NaN;
  const fast = Number.isFinite(spawnedAt) && now.getTime() - spawnedAt < FAST_DEATH_MS;
  const deaths = [...(markers.deaths ?? []), { at: now.toISOString(), exit: exit ?? null, fast }].slice(-DEATHS_KEPT);
  await writeMarker(dir, 'deaths', deaths);
}

/** Durable stop: mark first, so nothing can wake it while its session is being ended. */
export async function stopIdentity(ctx: SessionContext, identity: string): Promise<'live' | 'down'> {
  await writeMarker(stateDirOf(ctx.paths, identity), 'stopped', { at: ctx.now().toISOString() });
  const seen = await endSession(ctx, identity);
  const was = seen.state === 'live' ? 'live' : 'down';
  await ctx.log.write({ ev: 'stop', identity, was });
  return was;
}
