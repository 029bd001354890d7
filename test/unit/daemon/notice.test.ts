import { describe, expect, it } from 'vitest';
import { formatLine } from '../../../src/core/text/logfmt.js';
import { noticeEnv, noticeOfLine, outcomeOf } from '../../../src/daemon/notice.js';
import { type LifecycleEvent, eventFields } from '../../../src/lifecycle/log/events.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');

/** A line as the lifecycle log writes it, stamped `offsetMs` after START. */
function line(event: LifecycleEvent, offsetMs = 1): string {
  return formatLine(eventFields(new Date(START + offsetMs).toISOString(), event));
}

describe('noticeOfLine', () => {
  it('an attention episode opening: its identity, reason and words', () => {
    const text = line({ ev: 'attention', identity: 'claude-boris', reason: 'permission', msg: 'Claude needs your permission to use Bash' });
    expect(noticeOfLine(text, START)).toEqual({
      event: 'attention',
      identity: 'claude-boris',
      reason: 'permission',
      message: 'Claude needs your permission to use Bash',
    });
  });

  it('a blocker: reason crash-loop, the deaths and their window as the message', () => {
    expect(noticeOfLine(line({ ev: 'blocker', identity: 'codex-ann', deaths: 5, window: '600s' }), START)).toEqual({
      event: 'blocker',
      identity: 'codex-ann',
      reason: 'crash-loop',
      message: '5 deaths in 600s',
    });
  });

  it('words with quotes, equals signs and a newline come back as the runtime wrote them', () => {
    const msg = 'Allow "rm -rf build"? a=b\nsecond line';
    expect(noticeOfLine(line({ ev: 'attention', identity: 'demo-ann', reason: 'dialog', msg }), START)?.message).toBe(msg);
  });

  it('nothing for the end of an episode, nor for any other event', () => {
    expect(noticeOfLine(line({ ev: 'attention', identity: 'demo-ann', action: 'cleared' }), START)).toBeUndefined();
    for (const event of [
      { ev: 'stop', identity: 'demo-ann', was: 'live' },
      { ev: 'notify', identity: 'demo-ann', event: 'attention', outcome: 'sent' },
      { ev: 'notify', identity: 'demo-ann', event: 'blocker', outcome: 'failed', reason: 'exit 1' },
      { ev: 'supervise', identity: 'demo-ann', action: 'reaped-gone', reason: 'exited', outcome: 'blocked' },
      { ev: 'deliver', identity: 'demo-ann', id: 'x', outcome: 'waiting-input', confirmed: 'none', reason: 'says ev=attention here' },
    ] as const satisfies readonly LifecycleEvent[]) {
      expect(noticeOfLine(line(event), START), event.ev).toBeUndefined();
    }
  });

  it('nothing for a line stamped before the daemon started, or with no time', () => {
    const event = { ev: 'blocker', identity: 'demo-ann', deaths: 5, window: '600s' } as const;
    expect(noticeOfLine(line(event, -1), START)).toBeUndefined();
    expect(noticeOfLine(line(event, 0), START)).toBeDefined();
    expect(noticeOfLine(line(event).replace(/^ts=\S+ /, ''), START)).toBeUndefined();
    expect(noticeOfLine(line(event).replace(/^ts=\S+/, 'ts=yesterday'), START)).toBeUndefined();
  });

  it('nothing for a line that is no logfmt, or names no identity', () => {
    expect(noticeOfLine(`ts=${new Date(START + 1).toISOString()} ev=blocker identity="unterminated`, START)).toBeUndefined();
    expect(noticeOfLine(`ts=${new Date(START + 1).toISOString()} ev=blocker deaths=5 window=600s`, START)).toBeUndefined();
    expect(noticeOfLine(`ts=${new Date(START + 1).toISOString()} ev=attention identity=demo-ann`, START)).toBeUndefined();
  });
});

describe('noticeEnv', () => {
  it("is the daemon's environment with the four IAPEER_EVENT variables, which win over inherited ones", () => {
    const base = { PATH: '/usr/bin:/bin', IAPEER_HOME: '/h', IAPEER_EVENT: 'stale' };
    const notice = { event: 'attention', identity: 'demo-ann', reason: 'permission', message: 'may I?' } as const;
    expect(noticeEnv(base, notice)).toEqual({
      PATH: '/usr/bin:/bin',
      IAPEER_HOME: '/h',
      IAPEER_EVENT: 'attention',
      IAPEER_EVENT_IDENTITY: 'demo-ann',
      IAPEER_EVENT_REASON: 'permission',
      IAPEER_EVENT_MESSAGE: 'may I?',
    });
    expect(base.IAPEER_EVENT).toBe('stale');
  });
});

describe('outcomeOf', () => {
  const argv = ['notify-send', 'iapeer'];

  it('exit 0 is sent; any other exit fails with its status and the last line of stderr', () => {
    expect(outcomeOf({ kind: 'exited', code: 0, lastStderr: 'a warning' }, argv, '/bin')).toEqual({ outcome: 'sent' });
    expect(outcomeOf({ kind: 'exited', code: 3, lastStderr: 'no bus' }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'exit 3: no bus' });
    expect(outcomeOf({ kind: 'exited', code: 1, lastStderr: undefined }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'exit 1' });
    expect(outcomeOf({ kind: 'signalled', signal: 'SIGSEGV', lastStderr: undefined }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'killed by SIGSEGV' });
  });

  it('the timeout and a stop say so', () => {
    expect(outcomeOf({ kind: 'timed-out', afterMs: 10_000 }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'timed out after 10s' });
    expect(outcomeOf({ kind: 'timed-out', afterMs: 1500 }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'timed out after 1500ms' });
    expect(outcomeOf({ kind: 'aborted' }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'stopped with the daemon' });
  });

  it('a command that cannot start: not found names the PATH searched (none for a path), or permission, or the error', () => {
    const missing = { kind: 'spawn-error', code: 'ENOENT', message: 'spawn notify-send ENOENT' } as const;
    expect(outcomeOf(missing, argv, '/usr/bin:/bin')).toEqual({ outcome: 'failed', reason: 'cannot run notify-send: not found on PATH /usr/bin:/bin' });
    expect(outcomeOf(missing, argv, undefined)).toEqual({ outcome: 'failed', reason: 'cannot run notify-send: not found on PATH (unset)' });
    expect(outcomeOf(missing, ['/opt/notify'], '/bin')).toEqual({ outcome: 'failed', reason: 'cannot run /opt/notify: not found' });
    expect(outcomeOf({ kind: 'spawn-error', code: 'EACCES', message: 'spawn /etc/passwd EACCES' }, ['/etc/passwd'], '/bin')).toEqual({
      outcome: 'failed',
      reason: 'cannot run /etc/passwd: permission denied (not an executable file)',
    });
    expect(outcomeOf({ kind: 'spawn-error', code: 'E2BIG', message: 'spawn E2BIG' }, argv, '/bin')).toEqual({ outcome: 'failed', reason: 'cannot run notify-send: spawn E2BIG' });
  });
});
