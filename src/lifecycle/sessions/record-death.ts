import { stateDirOf } from '../../core/paths.js';
import { readMarkers, writeMarker } from '../../registry/markers.js';
import type { AppContext } from '../context/app-context.js';
import { DEATH_WINDOW_MS, FAST_DEATH_MS, recentFastDeaths, tripsGuard } from './crash-guard.js';

const DEATHS_KEPT = 20;

/**
 * Records the end of a session iapeer started (a crash, a kill, or a self-fresh), for the
 * crash-loop guard and post-mortems, and trips the guard: enough fast deaths block the identity (one `ev=blocker` line) until
 * `start`. Callers hold the identity's lock. Returns whether the identity is now blocked.
 */
export async function recordDeath(
  ctx: AppContext,
  identity: string,
  exit: number | undefined,
  options: { selfFresh?: boolean } = {},
): Promise<{ blocked: boolean }> {
  const dir = stateDirOf(ctx.paths, identity);
  const markers = readMarkers(dir, ['spawned', 'deaths', 'blocked']);
  const now = ctx.now();
  const spawnedAt = markers.spawned ? Date.parse(markers.spawned.at) : Number.NaN;
  const fast = Number.isFinite(spawnedAt) && now.getTime() - spawnedAt < FAST_DEATH_MS;
  const death = { at: now.toISOString(), exit: exit ?? null, fast, ...(options.selfFresh === true ? { selfFresh: true } : {}) };
  const deaths = [...(markers.deaths ?? []), death].slice(-DEATHS_KEPT);
  await writeMarker(dir, 'deaths', deaths);
  if (markers.blocked !== undefined) return { blocked: true };
  if (!tripsGuard(deaths, now.getTime())) return { blocked: false };
  const count = recentFastDeaths(deaths, now.getTime());
  const windowSec = DEATH_WINDOW_MS / 1000;
  await writeMarker(dir, 'blocked', { at: now.toISOString(), deaths: count, windowSec });
  await ctx.log.write({ ev: 'blocker', identity, deaths: count, window: `${windowSec}s` });
  return { blocked: true };
}
