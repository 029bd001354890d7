import { describe, expect, it } from 'vitest';
import { BLOCK_AFTER_DEATHS, eagerRelaunchAt, recentFastDeaths, tripsGuard } from '../../../../src/lifecycle/sessions/crash-guard.js';
import { lastSpawnUnaccounted } from '../../../../src/lifecycle/sessions/session-accounting.js';
import { type IdentityFacts, type SocketFacts, type TickFacts, decideIdentity, isOrphanSocket, planTick } from '../../../../src/lifecycle/supervise/plan-tick.js';
import type { MarkerValue, Markers } from '../../../../src/registry/markers.js';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();
const spawned = (secondsAgo: number): MarkerValue<'spawned'> => ({
  at: at(secondsAgo),
  pid: 100,
  tty: '/dev/pts/1',
  serverPid: 99,
  mode: 'fresh',
  cause: 'first-start',
});
const death = (secondsAgo: number, fast = true) => ({ at: at(secondsAgo), exit: 1, fast });

/** In-memory builders: one identity, live and busy unless told otherwise. */
function identity(overrides: Partial<IdentityFacts> = {}): IdentityFacts {
  return {
    identity: 'demo-ann',
    alwaysOn: false,
    idleTimeoutSec: 3600,
    markers: { spawned: spawned(600) },
    live: true,
    socket: true,
    idleSeconds: 5,
    queued: 0,
    ...overrides,
  };
}

/** Socket directory entries: unix sockets, none with state in the home, unless told otherwise. */
const sockets = (names: string[], extra: Partial<SocketFacts> = {}): SocketFacts[] => names.map((name) => ({ name, isSocket: true, hasState: false, ...extra }));

function tick(identities: IdentityFacts[], overrides: Partial<TickFacts> = {}): TickFacts {
  return {
    nowMs: NOW,
    identities,
    registryPresent: true,
    sockets: sockets(identities.filter((one) => one.socket).map((one) => one.identity)),
    queued: new Map(identities.map((one) => [one.identity, one.queued])),
    busy: new Set(),
    ...overrides,
  };
}

describe('planTick', () => {
  it('leaves a busy live peer alone, saying only that it is alive', () => {
    expect(planTick(tick([identity()]))).toEqual([{ kind: 'alive', identity: 'demo-ann' }]);
  });

  it('reaps a warm peer idle past its timeout, and never one with 0 (never) or with mail', () => {
    expect(planTick(tick([identity({ idleSeconds: 3600 })]))).toEqual([{ kind: 'reap-idle', identity: 'demo-ann', ageSec: 3600 }]);
    expect(planTick(tick([identity({ idleSeconds: 99_999, idleTimeoutSec: 0 })]))).toEqual([{ kind: 'alive', identity: 'demo-ann' }]);
    expect(planTick(tick([identity({ idleSeconds: 99_999, queued: 2 })]))).toEqual([
      { kind: 'alive', identity: 'demo-ann' },
      { kind: 'flush', identity: 'demo-ann', wake: false },
    ]);
  });

  it('skips an always-on peer (its service keeps it), delivering to it only while it is live', () => {
    expect(planTick(tick([identity({ alwaysOn: true, idleSeconds: 99_999 })]))).toEqual([{ kind: 'skipped-always-on', identity: 'demo-ann' }]);
    expect(planTick(tick([identity({ alwaysOn: true, live: false, socket: false, queued: 1 })]))).toEqual([
      { kind: 'skipped-always-on', identity: 'demo-ann' },
    ]);
    expect(planTick(tick([identity({ alwaysOn: true, queued: 1 })]))).toContainEqual({ kind: 'flush', identity: 'demo-ann', wake: false });
  });

  it('reaps what is left of an ended session: a socket, or a spawn whose end nobody recorded', () => {
    expect(planTick(tick([identity({ live: false })]))).toEqual([{ kind: 'reap-ended', identity: 'demo-ann' }]);
    expect(planTick(tick([identity({ live: false, socket: false })]))).toEqual([{ kind: 'reap-ended', identity: 'demo-ann' }]);
  });

  it('does nothing for a down peer whose end is on record and that has no mail', () => {
    const ends: Markers[] = [
      { spawned: spawned(600), stopped: { at: at(100) } },
      { spawned: spawned(600), 'idle-reaped': { at: at(100), ageSec: 3600 } },
      { spawned: spawned(600), deaths: [death(100, false)] },
      {},
    ];
    for (const markers of ends) expect(planTick(tick([identity({ live: false, socket: false, markers })]))).toEqual([]);
  });

  it('wakes a down warm peer for its mail, but never a stopped or blocked one', () => {
    const down = { live: false, socket: false, queued: 3 };
    expect(planTick(tick([identity({ ...down, markers: { 'idle-reaped': { at: at(10), ageSec: 5 } } })]))).toEqual([
      { kind: 'flush', identity: 'demo-ann', wake: true },
    ]);
    expect(planTick(tick([identity({ ...down, markers: { stopped: { at: at(10) } } })]))).toEqual([]);
    expect(planTick(tick([identity({ ...down, markers: { blocked: { at: at(10), deaths: 5, windowSec: 600 } } })]))).toEqual([]);
  });

  it('relaunches a self-fresh at once, and after fast deaths only once the backoff has passed', () => {
    const eager = { at: at(5), handoff: 'notes' };
    const down = { live: false, socket: false };
    expect(planTick(tick([identity({ ...down, markers: { spawned: spawned(60), 'new-eager': eager } })]))).toEqual([
      { kind: 'relaunch', identity: 'demo-ann' },
    ]);
    // Two fast deaths in a row: 2 s after the last one.
    const deaths = [death(20), death(1.5)];
    const markers: Markers = { spawned: spawned(3), 'new-eager': eager, deaths };
    expect(planTick(tick([identity({ ...down, markers })]))).toEqual([]);
    expect(planTick(tick([identity({ ...down, markers })], { nowMs: NOW + 600 }))).toEqual([{ kind: 'relaunch', identity: 'demo-ann' }]);
    // Never a stopped or blocked one.
    expect(planTick(tick([identity({ ...down, markers: { 'new-eager': eager, stopped: { at: at(1) } } })]))).toEqual([]);
  });

  it('reaps a socket named like an identity that has no record, and nothing else in the socket directory', () => {
    const plan = planTick(tick([identity()], { sockets: sockets(['demo-ann', 'demo-ghost', 'daemon.sock', 'README', 'Bad-Name']) }));
    expect(plan).toEqual([
      { kind: 'alive', identity: 'demo-ann' },
      { kind: 'reap-orphan', identity: 'demo-ghost' },
    ]);
  });

  it('takes no file for an orphan socket, and without a peers.json only a socket with no state in this home', () => {
    expect(planTick(tick([], { sockets: sockets(['demo-ghost'], { isSocket: false }) }))).toEqual([]);
    const noRegistry = { registryPresent: false };
    expect(planTick(tick([], { ...noRegistry, sockets: [...sockets(['demo-ann'], { hasState: true }), ...sockets(['demo-stray'])] }))).toEqual([
      { kind: 'reap-orphan', identity: 'demo-stray' },
    ]);
    expect(isOrphanSocket({ name: 'demo-ann', isSocket: true, hasState: true }, false, true)).toBe(true);
    expect(isOrphanSocket({ name: 'demo-ann', isSocket: true, hasState: false }, true, true)).toBe(false);
  });

  it('sets aside the messages of an identity that has no record, waking nothing; without a peers.json, none', () => {
    const queued = new Map([
      ['demo-gone', 2],
      ['demo-busy', 1],
      ['demo-empty', 0],
    ]);
    expect(planTick(tick([], { queued, busy: new Set(['demo-busy']) }))).toEqual([{ kind: 'flush', identity: 'demo-gone', wake: false }]);
    expect(planTick(tick([], { queued, registryPresent: false }))).toEqual([]);
  });

  it('leaves an identity with a wake or delivery under way alone', () => {
    const facts = tick([identity({ live: false, socket: true })], { busy: new Set(['demo-ann', 'demo-ghost']), sockets: sockets(['demo-ann', 'demo-ghost']) });
    expect(planTick(facts)).toEqual([]);
  });

  it('decides one identity as the whole tick would: what the executor asks again under the lock', () => {
    for (const one of [identity(), identity({ idleSeconds: 3600 }), identity({ live: false }), identity({ alwaysOn: true, queued: 1 })]) {
      expect(decideIdentity(one, NOW)).toEqual(planTick(tick([one])));
    }
  });
});

describe('the crash-loop guard', () => {
  it('trips on the fifth fast death within ten minutes, not on slow ones nor old ones', () => {
    const four = [death(500), death(400), death(300), death(200)];
    expect(tripsGuard(four, NOW)).toBe(false);
    expect(tripsGuard([...four, death(10)], NOW)).toBe(true);
    expect(recentFastDeaths([...four, death(10)], NOW)).toBe(BLOCK_AFTER_DEATHS);
    expect(tripsGuard([...four, death(10, false)], NOW)).toBe(false);
    expect(tripsGuard([death(700), ...four], NOW)).toBe(false);
  });

  it('backs eager relaunches off 1 s, doubling, at most 60 s, and resets after a clean end or a long life', () => {
    const last = NOW - 1000;
    const run = (n: number) => Array.from({ length: n }, (_, index) => ({ at: new Date(last - (n - 1 - index) * 100).toISOString(), exit: 1, fast: true }));
    expect(eagerRelaunchAt({ deaths: run(1) })).toBe(last + 1000);
    expect(eagerRelaunchAt({ deaths: run(2) })).toBe(last + 2000);
    expect(eagerRelaunchAt({ deaths: run(4) })).toBe(last + 8000);
    expect(eagerRelaunchAt({ deaths: run(12) })).toBe(last + 60_000);
    expect(eagerRelaunchAt({ deaths: [...run(3), { at: new Date(last + 1).toISOString(), exit: 0, fast: false }] })).toBe(0);
    expect(eagerRelaunchAt({ deaths: run(3), spawned: spawned(0) })).toBe(0);
    expect(eagerRelaunchAt({})).toBe(0);
    // A self-fresh end counts for the guard, not for the backoff: its relaunch is at once.
    const selfFresh = { at: new Date(last + 5).toISOString(), exit: null, fast: true, selfFresh: true };
    expect(eagerRelaunchAt({ deaths: [selfFresh], spawned: spawned(3) })).toBe(0);
    expect(eagerRelaunchAt({ deaths: [...run(2), selfFresh] })).toBe(last + 2000);
    expect(tripsGuard([death(50), death(40), death(30), death(20), { ...selfFresh, at: at(1) }], NOW)).toBe(true);
  });
});

describe('lastSpawnUnaccounted', () => {
  it('is true only for a spawn that nothing on record ended since', () => {
    expect(lastSpawnUnaccounted({})).toBe(false);
    expect(lastSpawnUnaccounted({ spawned: spawned(60) })).toBe(true);
    expect(lastSpawnUnaccounted({ spawned: spawned(60), stopped: { at: at(120) } })).toBe(true);
    expect(lastSpawnUnaccounted({ spawned: spawned(60), stopped: { at: at(30) } })).toBe(false);
    expect(lastSpawnUnaccounted({ spawned: spawned(60), 'new-eager': { at: at(30), handoff: null } })).toBe(false);
    expect(lastSpawnUnaccounted({ spawned: spawned(60), deaths: [death(30)] })).toBe(false);
    expect(lastSpawnUnaccounted({ spawned: spawned(60), deaths: [death(90)] })).toBe(true);
  });
});
