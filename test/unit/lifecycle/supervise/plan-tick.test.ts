import { describe, expect, it } from 'vitest';
import { type Decision, type IdentityFacts, type SocketFacts, type TickFacts, decideIdentity, isOrphanSocket, planTick } from '../../../../src/lifecycle/supervise/plan-tick.js';
import type { Markers } from '../../../../src/registry/markers.js';
import type { Activity, ActivitySource } from '../../../../src/lifecycle/sessions/activity.js';
import { NOW, at, death, spawned } from '../../../helpers/markers.js';

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

/** An activity verdict dated `secondsAgo` before NOW. */
const act = (activity: Activity, secondsAgo: number, source: ActivitySource) => ({ activity, since: NOW - secondsAgo * 1000, source });

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

const QUEUED = new Map([
  ['demo-gone', 2],
  ['demo-busy', 1],
  ['demo-empty', 0],
]);

describe('planTick', () => {
  type Row = [label: string, facts: TickFacts, expected: Decision[]];

  const eager = { at: at(5), handoff: 'notes' };
  const down = { live: false, socket: false };
  // Two fast deaths in a row: 2 s after the last one.
  const backingOff: Markers = { spawned: spawned(3), 'new-eager': eager, deaths: [death(20), death(1.5)] };

  const table: Row[] = [
    ['a busy live peer: only that it is alive', tick([identity()]), [{ kind: 'alive', identity: 'demo-ann' }]],

    // A warm peer idle past its timeout is reaped; never one with 0 (never) or with mail.
    ['idle past its timeout', tick([identity({ idleSeconds: 3600 })]), [{ kind: 'reap-idle', identity: 'demo-ann', ageSec: 3600 }]],
    // By activity: busy or needs-input is never idle; with events, idle counts from the turn's end.
    ['busy by activity, terminal silent past its timeout', tick([identity({ idleSeconds: 7200, activity: act('busy', 7200, 'events') })]), [{ kind: 'alive', identity: 'demo-ann' }]],
    ['needs-input, terminal silent past its timeout', tick([identity({ idleSeconds: 7200, activity: act('needs-input', 7200, 'events') })]), [{ kind: 'alive', identity: 'demo-ann' }]],
    ['busy by its screen', tick([identity({ idleSeconds: 7200, activity: act('busy', 0, 'screen') })]), [{ kind: 'alive', identity: 'demo-ann' }]],
    ['idle by events past its timeout, screen ticking', tick([identity({ idleSeconds: 0, activity: act('idle', 3600, 'events') })]), [{ kind: 'reap-idle', identity: 'demo-ann', ageSec: 3600 }]],
    ['idle by events, turn ended recently, terminal long silent', tick([identity({ idleSeconds: 7200, activity: act('idle', 60, 'events') })]), [{ kind: 'alive', identity: 'demo-ann' }]],
    ['idle by its screen: terminal silence counts', tick([identity({ idleSeconds: 3600, activity: act('idle', 10, 'screen') })]), [{ kind: 'reap-idle', identity: 'demo-ann', ageSec: 3600 }]],
    ['unknown: terminal silence counts', tick([identity({ idleSeconds: 3600, activity: act('unknown', 10, 'none') })]), [{ kind: 'reap-idle', identity: 'demo-ann', ageSec: 3600 }]],
    ['idle, timeout 0 (never)', tick([identity({ idleSeconds: 99_999, idleTimeoutSec: 0 })]), [{ kind: 'alive', identity: 'demo-ann' }]],
    [
      'idle, with mail',
      tick([identity({ idleSeconds: 99_999, queued: 2 })]),
      [
        { kind: 'alive', identity: 'demo-ann' },
        { kind: 'flush', identity: 'demo-ann', wake: false },
      ],
    ],

    // An always-on peer is skipped (its service keeps it), and delivered to only while it is live.
    ['always-on, idle', tick([identity({ alwaysOn: true, idleSeconds: 99_999 })]), [{ kind: 'skipped-always-on', identity: 'demo-ann' }]],
    [
      'always-on, down with mail',
      tick([identity({ alwaysOn: true, live: false, socket: false, queued: 1 })]),
      [{ kind: 'skipped-always-on', identity: 'demo-ann' }],
    ],
    [
      'always-on, live with mail',
      tick([identity({ alwaysOn: true, queued: 1 })]),
      [
        { kind: 'skipped-always-on', identity: 'demo-ann' },
        { kind: 'flush', identity: 'demo-ann', wake: false },
      ],
    ],

    // What is left of an ended session is reaped: a socket, or a spawn whose end nobody recorded.
    ['ended, socket left', tick([identity({ live: false })]), [{ kind: 'reap-ended', identity: 'demo-ann' }]],
    ['ended, end not recorded', tick([identity({ live: false, socket: false })]), [{ kind: 'reap-ended', identity: 'demo-ann' }]],

    // A down peer whose end is on record and that has no mail: nothing.
    ['down, stopped', tick([identity({ ...down, markers: { spawned: spawned(600), stopped: { at: at(100) } } })]), []],
    ['down, idle-reaped', tick([identity({ ...down, markers: { spawned: spawned(600), 'idle-reaped': { at: at(100), ageSec: 3600 } } })]), []],
    ['down, died', tick([identity({ ...down, markers: { spawned: spawned(600), deaths: [death(100, false)] } })]), []],
    ['down, no markers', tick([identity({ ...down, markers: {} })]), []],

    // A down warm peer is woken for its mail, never a stopped or blocked one.
    [
      'down with mail',
      tick([identity({ ...down, queued: 3, markers: { 'idle-reaped': { at: at(10), ageSec: 5 } } })]),
      [{ kind: 'flush', identity: 'demo-ann', wake: true }],
    ],
    ['down with mail, stopped', tick([identity({ ...down, queued: 3, markers: { stopped: { at: at(10) } } })]), []],
    ['down with mail, blocked', tick([identity({ ...down, queued: 3, markers: { blocked: { at: at(10), deaths: 5, windowSec: 600 } } })]), []],

    // A self-fresh is relaunched at once, and after fast deaths only once the backoff has passed.
    ['self-fresh', tick([identity({ ...down, markers: { spawned: spawned(60), 'new-eager': eager } })]), [{ kind: 'relaunch', identity: 'demo-ann' }]],
    ['self-fresh, backing off', tick([identity({ ...down, markers: backingOff })]), []],
    ['self-fresh, backoff passed', tick([identity({ ...down, markers: backingOff })], { nowMs: NOW + 600 }), [{ kind: 'relaunch', identity: 'demo-ann' }]],
    ['self-fresh, stopped', tick([identity({ ...down, markers: { 'new-eager': eager, stopped: { at: at(1) } } })]), []],

    [
      'a socket named like an identity without a record is reaped, nothing else in the socket directory',
      tick([identity()], { sockets: sockets(['demo-ann', 'demo-ghost', 'daemon.sock', 'README', 'Bad-Name']) }),
      [
        { kind: 'alive', identity: 'demo-ann' },
        { kind: 'reap-orphan', identity: 'demo-ghost' },
      ],
    ],
    [
      'the messages of an identity without a record are set aside, waking nothing',
      tick([], { queued: QUEUED, busy: new Set(['demo-busy']) }),
      [{ kind: 'flush', identity: 'demo-gone', wake: false }],
    ],
    ['without a peers.json no message is set aside', tick([], { queued: QUEUED, registryPresent: false }), []],
    [
      'the messages waiting for another host are forwarded, never set aside, with or without a peers.json; one under way is left alone',
      tick([], { queued: new Map([['boris@build', 2], ['ann@gpu', 1], ['kim@build', 0], ['cy@build', 3]]), busy: new Set(['cy@build']), registryPresent: false }),
      [
        { kind: 'forward', identity: 'boris@build' },
        { kind: 'forward', identity: 'ann@gpu' },
      ],
    ],
    ['a file named like an identity is no orphan socket', tick([], { sockets: sockets(['demo-ghost'], { isSocket: false }) }), []],
    [
      'without a peers.json only a socket with no state in this home is an orphan',
      tick([], { registryPresent: false, sockets: [...sockets(['demo-ann'], { hasState: true }), ...sockets(['demo-stray'])] }),
      [{ kind: 'reap-orphan', identity: 'demo-stray' }],
    ],
    [
      'an identity with a wake or delivery under way is left alone',
      tick([identity({ live: false, socket: true })], { busy: new Set(['demo-ann', 'demo-ghost']), sockets: sockets(['demo-ann', 'demo-ghost']) }),
      [],
    ],
  ];

  it.each(table)('%s', (_label, facts, expected) => {
    expect(planTick(facts)).toEqual(expected);
  });

  it.each(table.filter(([, facts]) => facts.identities.length === 1 && facts.sockets.length <= 1 && facts.busy.size === 0))(
    'decides one identity as the tick does, for the executor to ask again under the lock: %s',
    (_label, facts, expected) => {
      expect(decideIdentity(facts.identities[0] as IdentityFacts, facts.nowMs)).toEqual(expected);
    },
  );

  it.each([
    ['registered', { name: 'demo-ann', isSocket: true, hasState: false }, true, true, false],
    ['unregistered', { name: 'demo-ann', isSocket: true, hasState: true }, false, true, true],
    ['no identity name', { name: 'daemon.sock', isSocket: true, hasState: false }, false, true, false],
    ['not a socket', { name: 'demo-ann', isSocket: false, hasState: false }, false, true, false],
    ['no peers.json, with state', { name: 'demo-ann', isSocket: true, hasState: true }, false, false, false],
    ['no peers.json, no state', { name: 'demo-ann', isSocket: true, hasState: false }, false, false, true],
  ] as const)('isOrphanSocket: %s', (_label, socket, registered, registryPresent, orphan) => {
    expect(isOrphanSocket(socket, registered, registryPresent)).toBe(orphan);
  });
});
