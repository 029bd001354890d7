import type { Markers } from '../../registry/markers.js';

/**
 * Whether the session iapeer spawned last is still unaccounted for: nothing on record ended
 * it since its spawn (a stop, an idle reap, a self-fresh, a recorded death). If that session
 * is no longer live, it is gone behind iapeer's back: a crash, a kill, a closed server.
 */
export function lastSpawnUnaccounted(markers: Pick<Markers, 'spawned' | 'stopped' | 'idle-reaped' | 'new-eager' | 'deaths'>): boolean {
  if (markers.spawned === undefined) return false;
  const spawnedAt = Date.parse(markers.spawned.at);
  const ends = [markers.stopped?.at, markers['idle-reaped']?.at, markers['new-eager']?.at, markers.deaths?.at(-1)?.at];
  return !ends.some((at) => at !== undefined && Date.parse(at) >= spawnedAt);
}
