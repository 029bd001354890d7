import { readMarkers, writeMarker } from '../registry/markers.js';
import type { AppContext } from './context.js';
import { stateDirOf } from '../core/paths.js';

/** Fast deaths count towards the crash-loop guard (the daemon's crash-loop guard). */
export const FAST_DEATH_MS = 30_000;
const DEATHS_KEPT = 20;

/**
 * Records the end of a session iapeer started, for the crash-loop guard and post-mortems.
 * Callers hold the identity's lock.
 */
export async function recordDeath(ctx: AppContext, identity: string, exit: number | undefined): Promise<void> {
  const dir = stateDirOf(ctx.paths, identity);
  const markers = readMarkers(dir, ['spawned', 'deaths']);
  const now = ctx.now();
  const spawnedAt = markers.spawned ? Date.parse(markers.spawned.at) : Number.NaN;
  const fast = Number.isFinite(spawnedAt) && now.getTime() - spawnedAt < FAST_DEATH_MS;
  const deaths = [...(markers.deaths ?? []), { at: now.toISOString(), exit: exit ?? null, fast }].slice(-DEATHS_KEPT);
  await writeMarker(dir, 'deaths', deaths);
}
