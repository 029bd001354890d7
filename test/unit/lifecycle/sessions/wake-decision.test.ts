import { describe, expect, it } from 'vitest';
import type { MarkerName } from '../../../../src/registry/markers.js';
import { type WakeDecision, type WakeFacts, type WakeTrigger, decideWake } from '../../../../src/lifecycle/sessions/wake-decision.js';

/** A down identity that has run before and ended without any marker. */
const DOWN: WakeFacts = {
  live: false,
  stopped: false,
  blocked: false,
  idleReaped: false,
  newEager: false,
  everSpawned: true,
  alwaysOn: false,
  sessionMissing: false,
};

const OPERATOR_CLEARS: readonly MarkerName[] = ['stopped', 'blocked', 'deaths', 'idle-reaped'];
const AUTOMATIC_CLEARS: readonly MarkerName[] = ['idle-reaped'];

function facts(overrides: Partial<WakeFacts>): WakeFacts {
  return { ...DOWN, ...overrides };
}

const TRIGGERS: readonly WakeTrigger[] = ['start', 'launch', 'message', 'eager', 'keeper'];

describe('decideWake', () => {
  type Row = [label: string, trigger: WakeTrigger, facts: Partial<WakeFacts>, expected: WakeDecision];

  const table: Row[] = [
    // A live session is never touched, whatever its markers say.
    // The operator's start lifts a stale stop or block of a live session, under the lock.
    ['start, live', 'start', { live: true }, { action: 'none', reason: 'already-live', clear: ['stopped', 'blocked'] }],
    ['launch, live', 'launch', { live: true, newEager: true }, { action: 'none', reason: 'already-live', clear: ['stopped', 'blocked'] }],
    ['message, live', 'message', { live: true }, { action: 'none', reason: 'already-live', clear: [] }],
    ['eager, live', 'eager', { live: true, newEager: true }, { action: 'none', reason: 'already-live', clear: [] }],
    ['message, live and stopped', 'message', { live: true, stopped: true }, { action: 'none', reason: 'already-live', clear: [] }],

    // Messages and the daemon never wake a stopped or blocked identity; blocked is reported first.
    ['message, stopped', 'message', { stopped: true }, { action: 'refuse', reason: 'stopped' }],
    ['message, blocked', 'message', { blocked: true }, { action: 'refuse', reason: 'blocked' }],
    ['message, stopped and blocked', 'message', { stopped: true, blocked: true }, { action: 'refuse', reason: 'blocked' }],
    ['message, stopped after idle reap', 'message', { stopped: true, idleReaped: true }, { action: 'refuse', reason: 'stopped' }],
    ['eager, stopped', 'eager', { stopped: true, newEager: true }, { action: 'refuse', reason: 'stopped' }],
    ['eager, blocked', 'eager', { blocked: true, newEager: true }, { action: 'refuse', reason: 'blocked' }],
    ['eager, stopped and blocked', 'eager', { stopped: true, blocked: true, newEager: true }, { action: 'refuse', reason: 'blocked' }],
    ['eager, blocked without new-eager', 'eager', { blocked: true }, { action: 'refuse', reason: 'blocked' }],

    // An always-on peer is kept up by its own service: a message or the daemon never wakes it.
    ['message, always-on', 'message', { alwaysOn: true }, { action: 'refuse', reason: 'always-on' }],
    ['message, always-on, never spawned', 'message', { alwaysOn: true, everSpawned: false }, { action: 'refuse', reason: 'always-on' }],
    ['eager, always-on', 'eager', { alwaysOn: true, newEager: true }, { action: 'refuse', reason: 'always-on' }],
    ['message, always-on and stopped', 'message', { alwaysOn: true, stopped: true }, { action: 'refuse', reason: 'stopped' }],
    ['message, always-on, live', 'message', { alwaysOn: true, live: true }, { action: 'none', reason: 'already-live', clear: [] }],
    [
      'keeper, always-on',
      'keeper',
      { alwaysOn: true },
      { action: 'spawn', mode: 'fresh', cause: 'crash-or-self-close', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    [
      'keeper, always-on, self-fresh pending',
      'keeper',
      { alwaysOn: true, newEager: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: AUTOMATIC_CLEARS, handoff: true },
    ],
    ['keeper, always-on and blocked', 'keeper', { alwaysOn: true, blocked: true }, { action: 'refuse', reason: 'blocked' }],
    [
      'start, always-on',
      'start',
      { alwaysOn: true },
      { action: 'spawn', mode: 'fresh', cause: 'crash-or-self-close', clear: OPERATOR_CLEARS, handoff: false },
    ],

    // The daemon relaunches only identities marked by self-fresh.
    ['eager, no new-eager', 'eager', {}, { action: 'none', reason: 'nothing-to-relaunch', clear: [] }],
    ['eager, idle-reaped but no new-eager', 'eager', { idleReaped: true }, { action: 'none', reason: 'nothing-to-relaunch', clear: [] }],
    ['eager, never spawned, no new-eager', 'eager', { everSpawned: false }, { action: 'none', reason: 'nothing-to-relaunch', clear: [] }],
    [
      'eager, new-eager',
      'eager',
      { newEager: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: AUTOMATIC_CLEARS, handoff: true },
    ],
    [
      'eager, new-eager after idle reap',
      'eager',
      { newEager: true, idleReaped: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: AUTOMATIC_CLEARS, handoff: true },
    ],

    // Message wakes.
    [
      'message, first ever',
      'message',
      { everSpawned: false },
      { action: 'spawn', mode: 'fresh', cause: 'first-start', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    [
      'message, idle-reaped',
      'message',
      { idleReaped: true },
      { action: 'spawn', mode: 'resume', cause: 'idle-reaped', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    [
      'message, crashed or closed itself',
      'message',
      {},
      { action: 'spawn', mode: 'fresh', cause: 'crash-or-self-close', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    [
      'message, self-fresh pending',
      'message',
      { newEager: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: AUTOMATIC_CLEARS, handoff: true },
    ],

    // A resume needs the id of its own conversation: without one the wake is fresh.
    [
      'message, idle-reaped, no session id',
      'message',
      { idleReaped: true, sessionMissing: true },
      { action: 'spawn', mode: 'fresh', cause: 'no-session', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    [
      'start, idle-reaped, no session id',
      'start',
      { idleReaped: true, sessionMissing: true },
      { action: 'spawn', mode: 'fresh', cause: 'no-session', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'keeper, idle-reaped, no session id',
      'keeper',
      { alwaysOn: true, idleReaped: true, sessionMissing: true },
      { action: 'spawn', mode: 'fresh', cause: 'no-session', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    // Only a resume needs the id: every other start is the same without one.
    [
      'message, crashed, no session id',
      'message',
      { sessionMissing: true },
      { action: 'spawn', mode: 'fresh', cause: 'crash-or-self-close', clear: AUTOMATIC_CLEARS, handoff: false },
    ],
    [
      'message, self-fresh after idle reap, no session id',
      'message',
      { newEager: true, idleReaped: true, sessionMissing: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: AUTOMATIC_CLEARS, handoff: true },
    ],
    [
      'launch, idle-reaped, no session id',
      'launch',
      { idleReaped: true, sessionMissing: true },
      { action: 'spawn', mode: 'fresh', cause: 'operator', clear: OPERATOR_CLEARS, handoff: false },
    ],
    ['message, stopped, idle-reaped, no session id', 'message', { stopped: true, idleReaped: true, sessionMissing: true }, { action: 'refuse', reason: 'stopped' }],

    // Operator start: lifts stop and block, forgets deaths, resumes only after an idle reap.
    [
      'start, first ever',
      'start',
      { everSpawned: false },
      { action: 'spawn', mode: 'fresh', cause: 'first-start', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'start, idle-reaped',
      'start',
      { idleReaped: true },
      { action: 'spawn', mode: 'resume', cause: 'idle-reaped', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'start, crashed',
      'start',
      {},
      { action: 'spawn', mode: 'fresh', cause: 'crash-or-self-close', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'start after stop',
      'start',
      { stopped: true },
      { action: 'spawn', mode: 'fresh', cause: 'operator', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'start, blocked',
      'start',
      { blocked: true },
      { action: 'spawn', mode: 'fresh', cause: 'crash-or-self-close', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'start, stopped and blocked',
      'start',
      { stopped: true, blocked: true },
      { action: 'spawn', mode: 'fresh', cause: 'operator', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'start, self-fresh pending',
      'start',
      { newEager: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: OPERATOR_CLEARS, handoff: true },
    ],

    // `iapeer <runtime>` is always fresh, even after an idle reap.
    [
      'launch, idle-reaped',
      'launch',
      { idleReaped: true },
      { action: 'spawn', mode: 'fresh', cause: 'operator', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'launch, first ever',
      'launch',
      { everSpawned: false },
      { action: 'spawn', mode: 'fresh', cause: 'operator', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'launch, stopped and blocked',
      'launch',
      { stopped: true, blocked: true, idleReaped: true },
      { action: 'spawn', mode: 'fresh', cause: 'operator', clear: OPERATOR_CLEARS, handoff: false },
    ],
    [
      'launch, self-fresh pending',
      'launch',
      { newEager: true, idleReaped: true },
      { action: 'spawn', mode: 'fresh', cause: 'self-fresh', clear: OPERATOR_CLEARS, handoff: true },
    ],
  ];

  it.each(table)('%s', (_label, trigger, overrides, expected) => {
    expect(decideWake(facts(overrides), trigger)).toEqual(expected);
  });

  it('start and launch always clear stopped, blocked, deaths and idle-reaped', () => {
    for (const trigger of ['start', 'launch'] as const) {
      for (const stopped of [false, true]) {
        for (const blocked of [false, true]) {
          const decision = decideWake(facts({ stopped, blocked }), trigger);
          expect(decision.action).toBe('spawn');
          if (decision.action === 'spawn') expect([...decision.clear].sort()).toEqual([...OPERATOR_CLEARS].sort());
        }
      }
    }
  });

  it('automatic wakes never clear a stop, a block or the deaths', () => {
    for (const trigger of ['message', 'eager'] as const) {
      const decision = decideWake(facts({ newEager: true, idleReaped: true }), trigger);
      expect(decision.action).toBe('spawn');
      if (decision.action === 'spawn') {
        expect(decision.clear).not.toContain('stopped');
        expect(decision.clear).not.toContain('blocked');
        expect(decision.clear).not.toContain('deaths');
        expect(decision.clear).toContain('idle-reaped');
      }
    }
  });

  it('resumes only after an idle reap, and never for launch', () => {
    for (const trigger of TRIGGERS) {
      for (const idleReaped of [false, true]) {
        for (const everSpawned of [false, true]) {
          for (const stopped of [false, true]) {
            const decision = decideWake(facts({ idleReaped, everSpawned, stopped }), trigger);
            if (decision.action !== 'spawn') continue;
            const expectResume = idleReaped && trigger !== 'launch';
            expect(decision.mode, `${trigger} idleReaped=${idleReaped} everSpawned=${everSpawned}`).toBe(
              expectResume ? 'resume' : 'fresh',
            );
          }
        }
      }
    }
  });

  it('the handoff flag mirrors new-eager on every spawn', () => {
    for (const trigger of TRIGGERS) {
      for (const newEager of [false, true]) {
        for (const idleReaped of [false, true]) {
          const decision = decideWake(facts({ newEager, idleReaped }), trigger);
          if (decision.action === 'spawn') expect(decision.handoff).toBe(newEager);
          else expect(trigger === 'eager' && !newEager).toBe(true);
        }
      }
    }
  });

  it('a self-fresh wake is always fresh', () => {
    for (const trigger of TRIGGERS) {
      const decision = decideWake(facts({ newEager: true, idleReaped: true }), trigger);
      expect(decision).toMatchObject({ action: 'spawn', mode: 'fresh', cause: 'self-fresh' });
    }
  });
});
