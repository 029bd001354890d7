import { describe, expect, it } from 'vitest';
import { formatLine, parseLine } from '../../../../src/core/text/logfmt.js';
import { FIELD_ORDER, type LifecycleEvent, eventFields } from '../../../../src/lifecycle/log/events.js';

const TS = '2025-01-02T03:04:05.678Z';

describe('eventFields', () => {
  it('puts ts and ev first, then FIELD_ORDER, whatever the object order', () => {
    const event: LifecycleEvent = { exit: 137, age: '3700s', action: 'reaped-idle', identity: 'demo-boris', ev: 'supervise' };
    const line = formatLine(eventFields(TS, event));
    expect(line).toBe(`ts=${TS} ev=supervise identity=demo-boris action=reaped-idle age=3700s exit=137`);
  });

  it('orders a wake event personality, runtime, mode, cause', () => {
    const event: LifecycleEvent = { cause: 'idle-reaped', mode: 'resume', runtime: 'claude', personality: 'boris', ev: 'wake' };
    expect(formatLine(eventFields(TS, event))).toBe(
      `ts=${TS} ev=wake personality=boris runtime=claude mode=resume cause=idle-reaped`,
    );
  });

  it('puts the session id of a wake right after its cause', () => {
    const event: LifecycleEvent = { session: '5b0c2f3e-8d41-4b7a-9e62-1f0a7c3d9b15', cause: 'no-session', mode: 'fresh', runtime: 'claude', personality: 'boris', ev: 'wake' };
    expect(formatLine(eventFields(TS, event))).toBe(
      `ts=${TS} ev=wake personality=boris runtime=claude mode=fresh cause=no-session session=5b0c2f3e-8d41-4b7a-9e62-1f0a7c3d9b15`,
    );
  });

  it('orders every field of a reaped-gone line', () => {
    const event: LifecycleEvent = {
      outcome: 'eager-relaunch',
      reason: 'pane exited',
      exit: 0,
      action: 'reaped-gone',
      identity: 'codex-x',
      ev: 'supervise',
    };
    const keys = [...(parseLine(formatLine(eventFields(TS, event)))?.keys() ?? [])];
    expect(keys).toEqual(['ts', 'ev', 'identity', 'action', 'reason', 'outcome', 'exit']);
    expect(parseLine(formatLine(eventFields(TS, event)))?.get('reason')).toBe('pane exited');
  });

  it('lists every field a LifecycleEvent can carry exactly once', () => {
    expect(new Set(FIELD_ORDER).size).toBe(FIELD_ORDER.length);
    expect(FIELD_ORDER).not.toContain('ts');
    expect(FIELD_ORDER).not.toContain('ev');
    const fields = eventFields(TS, { ev: 'daemon', action: 'start', pid: 1234 });
    expect(fields.slice(0, 2)).toEqual([
      ['ts', TS],
      ['ev', 'daemon'],
    ]);
    expect(formatLine(fields)).toBe(`ts=${TS} ev=daemon action=start pid=1234`);
  });
});

describe('event field order', () => {
  const line = (event: Parameters<typeof eventFields>[1]) => formatLine(eventFields('2026-01-01T00:00:00.000Z', event));

  it('deliver: identity, id, reason, outcome, confirmed', () => {
    expect(line({ ev: 'deliver', confirmed: 'cursor', outcome: 'delivered', id: 'm1', identity: 'demo-boris' })).toBe(
      'ts=2026-01-01T00:00:00.000Z ev=deliver identity=demo-boris id=m1 outcome=delivered confirmed=cursor',
    );
    expect(line({ ev: 'deliver', confirmed: 'none', outcome: 'queued', reason: 'down', id: 'm2', identity: 'demo-boris' })).toBe(
      'ts=2026-01-01T00:00:00.000Z ev=deliver identity=demo-boris id=m2 reason=down outcome=queued confirmed=none',
    );
  });

  it('supervise: identity, action, reason, outcome, exit', () => {
    expect(line({ ev: 'supervise', exit: 3, outcome: 'fresh-next-msg', reason: 'exited', action: 'reaped-gone', identity: 'demo-x' })).toBe(
      'ts=2026-01-01T00:00:00.000Z ev=supervise identity=demo-x action=reaped-gone reason=exited outcome=fresh-next-msg exit=3',
    );
  });

  it('wake, blocker and daemon in the contract order', () => {
    expect(line({ ev: 'wake', cause: 'first-start', mode: 'fresh', runtime: 'demo', personality: 'boris' })).toBe(
      'ts=2026-01-01T00:00:00.000Z ev=wake personality=boris runtime=demo mode=fresh cause=first-start',
    );
    expect(line({ ev: 'blocker', window: '600s', deaths: 5, identity: 'demo-x' })).toBe(
      'ts=2026-01-01T00:00:00.000Z ev=blocker identity=demo-x deaths=5 window=600s',
    );
    expect(line({ ev: 'daemon', pid: 42, action: 'start' })).toBe('ts=2026-01-01T00:00:00.000Z ev=daemon action=start pid=42');
  });
});
