import type { MarkerValue } from '../../src/registry/markers.js';

/** In-memory markers for the pure decisions' tests, dated back from one fixed now. */
export const NOW = Date.parse('2026-11-24T12:00:00.000Z');

export const at = (secondsAgo: number): string => new Date(NOW - secondsAgo * 1000).toISOString();

export const spawned = (secondsAgo: number): MarkerValue<'spawned'> => ({
  at: at(secondsAgo),
  pid: 100,
  tty: '/dev/pts/1',
  serverPid: 99,
  mode: 'fresh',
  cause: 'first-start',
});

export const death = (secondsAgo: number, fast = true): MarkerValue<'deaths'>[number] => ({ at: at(secondsAgo), exit: 1, fast });
