import type { Markers, MarkerValue } from '../../registry/markers.js';

/** A session that ends this soon after its start died fast. */
export const FAST_DEATH_MS = 30_000;
/** This many fast deaths within the window block the identity until `start`. */
export const BLOCK_AFTER_DEATHS = 5;
export const DEATH_WINDOW_MS = 10 * 60_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

type Deaths = MarkerValue<'deaths'>;

/** The fast deaths within the window ending now. */
export function recentFastDeaths(deaths: Deaths, nowMs: number): number {
  return deaths.filter((death) => death.fast && nowMs - Date.parse(death.at) <= DEATH_WINDOW_MS).length;
}

/** Whether the crash-loop guard trips: enough fast deaths, recently. */
export function tripsGuard(deaths: Deaths, nowMs: number): boolean {
  return recentFastDeaths(deaths, nowMs) >= BLOCK_AFTER_DEATHS;
}

/**
 * When an eager relaunch may happen: at once after a clean end or a self-fresh, else 1 s after the last of
 * a run of fast deaths, doubling with each, at most 60 s. A session that lived long enough,
 * or one spawned after the last death and ended cleanly since, resets the run.
 */
export function eagerRelaunchAt(markers: Pick<Markers, 'deaths' | 'spawned'>): number {
  // A self-fresh asked for the relaunch: it counts towards the guard, not the backoff.
  const deaths = (markers.deaths ?? []).filter((death) => death.selfFresh !== true);
  const last = deaths.at(-1);
  if (last === undefined) return 0;
  const lastAt = Date.parse(last.at);
  if (markers.spawned !== undefined && Date.parse(markers.spawned.at) > lastAt) return 0;
  let run = 0;
  for (let index = deaths.length - 1; index >= 0 && deaths[index]?.fast === true; index -= 1) run += 1;
  if (run === 0) return 0;
  return lastAt + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (run - 1));
}
