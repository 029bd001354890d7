import { describe, expect, it } from 'vitest';
import { BLOCK_AFTER_DEATHS, eagerRelaunchAt, recentFastDeaths, tripsGuard } from '../../../../src/lifecycle/sessions/crash-guard.js';
import type { MarkerValue, Markers } from '../../../../src/registry/markers.js';
import { NOW, at, death, spawned } from '../../../helpers/markers.js';

describe('the crash-loop guard', () => {
  const four = [death(500), death(400), death(300), death(200)];
  const last = NOW - 1000;
  const run = (n: number) => Array.from({ length: n }, (_, index) => ({ at: new Date(last - (n - 1 - index) * 100).toISOString(), exit: 1, fast: true }));
  // A self-fresh end counts for the guard, not for the backoff: its relaunch is at once.
  const selfFresh = { at: new Date(last + 5).toISOString(), exit: null, fast: true, selfFresh: true };

  // It trips on the fifth fast death within ten minutes, not on slow ones nor old ones.
  const trips: Array<[label: string, deaths: MarkerValue<'deaths'>, expected: boolean]> = [
    ['four fast deaths', four, false],
    ['a fifth fast death', [...four, death(10)], true],
    ['a fifth slow death', [...four, death(10, false)], false],
    ['a fifth fast death too old', [death(700), ...four], false],
    ['a self-fresh end as the fifth', [death(50), death(40), death(30), death(20), { ...selfFresh, at: at(1) }], true],
  ];

  it.each(trips)('tripsGuard: %s', (_label, deaths, expected) => {
    expect(tripsGuard(deaths, NOW)).toBe(expected);
  });

  it('counts the recent fast deaths', () => {
    expect(recentFastDeaths([...four, death(10)], NOW)).toBe(BLOCK_AFTER_DEATHS);
  });

  // Eager relaunches back off 1 s, doubling, at most 60 s, and reset after a clean end or a long life.
  const backoffs: Array<[label: string, markers: Pick<Markers, 'deaths' | 'spawned'>, expected: number]> = [
    ['one fast death', { deaths: run(1) }, last + 1000],
    ['two', { deaths: run(2) }, last + 2000],
    ['four', { deaths: run(4) }, last + 8000],
    ['twelve: at most 60 s', { deaths: run(12) }, last + 60_000],
    ['after a clean end', { deaths: [...run(3), { at: new Date(last + 1).toISOString(), exit: 0, fast: false }] }, 0],
    ['after a long life', { deaths: run(3), spawned: spawned(0) }, 0],
    ['no deaths', {}, 0],
    ['after a self-fresh end', { deaths: [selfFresh], spawned: spawned(3) }, 0],
    ['fast deaths, then a self-fresh end', { deaths: [...run(2), selfFresh] }, last + 2000],
  ];

  it.each(backoffs)('eagerRelaunchAt: %s', (_label, markers, expected) => {
    expect(eagerRelaunchAt(markers)).toBe(expected);
  });
});
