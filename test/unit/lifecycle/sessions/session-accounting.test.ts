import { describe, expect, it } from 'vitest';
import { lastSpawnUnaccounted } from '../../../../src/lifecycle/sessions/session-accounting.js';
import type { Markers } from '../../../../src/registry/markers.js';
import { at, death, spawned } from '../../../helpers/markers.js';

describe('lastSpawnUnaccounted', () => {
  // True only for a spawn that nothing on record ended since.
  const table: Array<[label: string, markers: Markers, expected: boolean]> = [
    ['no spawn', {}, false],
    ['a spawn alone', { spawned: spawned(60) }, true],
    ['a stop before the spawn', { spawned: spawned(60), stopped: { at: at(120) } }, true],
    ['a stop after the spawn', { spawned: spawned(60), stopped: { at: at(30) } }, false],
    ['a self-fresh after the spawn', { spawned: spawned(60), 'new-eager': { at: at(30), handoff: null } }, false],
    ['a death after the spawn', { spawned: spawned(60), deaths: [death(30)] }, false],
    ['a death before the spawn', { spawned: spawned(60), deaths: [death(90)] }, true],
  ];

  it.each(table)('%s', (_label, markers, expected) => {
    expect(lastSpawnUnaccounted(markers)).toBe(expected);
  });
});
