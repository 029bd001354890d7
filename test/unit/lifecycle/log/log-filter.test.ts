import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/core/errors.js';
import { formatLine } from '../../../../src/core/text/logfmt.js';
import { type LifecycleEvent, eventFields } from '../../../../src/lifecycle/log/events.js';
import { LOG_EVENTS, type LogQuery, isEmptyQuery, lineObject, parseLogQuery, selectLine, timeOfLine } from '../../../../src/lifecycle/log/log-filter.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');

function line(ts: string, event: LifecycleEvent): string {
  return formatLine(eventFields(ts, event));
}

const WAKE_BORIS = line('2026-03-10T11:00:00.000Z', { ev: 'wake', personality: 'boris', runtime: 'claude', mode: 'fresh', cause: 'crash-or-self-close' });
const REAP_BORIS = line('2026-03-10T10:00:00.000Z', { ev: 'supervise', identity: 'codex-boris', action: 'reaped-idle', age: '3600s' });
const STOP_ALICE = line('2026-03-10T11:59:00.000Z', { ev: 'stop', identity: 'claude-alice', was: 'live' });
const DELIVER_BORISOV = line('2026-03-10T11:30:00.000Z', { ev: 'deliver', identity: 'claude-borisov', id: 'm1', outcome: 'delivered', confirmed: 'screen' });
const ADD_BORIS = line('2026-03-09T09:00:00.000Z', { ev: 'add', personality: 'boris', action: 'created', runtimes: 'claude,codex' });

function selected(lines: readonly string[], query: LogQuery): string[] {
  return lines.filter((text) => selectLine(text, query) !== undefined);
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseLogQuery', () => {
  it('takes no filter as the empty query', () => {
    const query = parseLogQuery({}, NOW);
    expect(query).toEqual({});
    expect(isEmptyQuery(query)).toBe(true);
  });

  it('turns --since into a time: a duration back from now, or an ISO time', () => {
    expect(parseLogQuery({ since: '15m' }, NOW).sinceMs).toBe(NOW.getTime() - 900_000);
    expect(parseLogQuery({ since: '2026-03-01T00:00:00Z' }, NOW).sinceMs).toBe(Date.UTC(2026, 2, 1));
  });

  it('refuses a --since that is neither, saying what it takes', () => {
    const message = usageMessage(() => parseLogQuery({ since: 'yesterday' }, NOW));
    expect(message).toContain('--since');
    expect(message).toContain('90s, 15m, 2h, 1d');
    expect(message).toContain('"yesterday"');
  });

  it('refuses an unknown --ev, listing the events and suggesting the nearest', () => {
    const message = usageMessage(() => parseLogQuery({ ev: 'wak' }, NOW, (word) => (word === 'wak' ? 'wake' : undefined)));
    expect(message).toBe(`--ev: unknown event "wak"; did you mean wake? the events are ${LOG_EVENTS.join(', ')}`);
    expect(usageMessage(() => parseLogQuery({ ev: 'ev=wake' }, NOW))).toContain('unknown event "ev=wake"');
  });

  it('knows every event the log is written with', () => {
    for (const ev of ['supervise', 'wake', 'blocker', 'stop', 'start', 'remove', 'self-fresh', 'deliver', 'daemon', 'add', 'interrupt', 'compact']) {
      expect(parseLogQuery({ ev }, NOW).ev).toBe(ev);
    }
  });

  it('takes a peer name or an identity for --peer, and nothing else', () => {
    expect(parseLogQuery({ peer: 'boris' }, NOW).peer).toBe('boris');
    expect(parseLogQuery({ peer: 'claude-boris' }, NOW).peer).toBe('claude-boris');
    expect(usageMessage(() => parseLogQuery({ peer: 'Boris Smith' }, NOW))).toContain('neither a peer name');
    expect(usageMessage(() => parseLogQuery({ peer: 'identity=x' }, NOW))).toContain('"identity=x"');
  });
});

describe('selectLine', () => {
  const all = [ADD_BORIS, REAP_BORIS, WAKE_BORIS, DELIVER_BORISOV, STOP_ALICE];

  it('keeps every line for the empty query, with its fields', () => {
    expect(selected(all, {})).toEqual(all);
    expect(selectLine(WAKE_BORIS, {})?.get('cause')).toBe('crash-or-self-close');
  });

  it('--peer with a name: its identities on any runtime and its personality lines, not a peer whose name only starts alike', () => {
    expect(selected(all, { peer: 'boris' })).toEqual([ADD_BORIS, REAP_BORIS, WAKE_BORIS]);
  });

  it('--peer with an identity: that identity, and the personality lines of that runtime or of none', () => {
    expect(selected(all, { peer: 'claude-boris' })).toEqual([ADD_BORIS, WAKE_BORIS]);
    expect(selected(all, { peer: 'codex-boris' })).toEqual([ADD_BORIS, REAP_BORIS]);
  });

  it('--ev keeps only that event, not one that merely contains its name', () => {
    expect(selected(all, { ev: 'wake' })).toEqual([WAKE_BORIS]);
    const reasonMentionsWake = line('2026-03-10T11:00:00.000Z', { ev: 'deliver', identity: 'demo-x', id: 'm', outcome: 'retry-later', confirmed: 'none', reason: 'ev=wake failed' });
    expect(selectLine(reasonMentionsWake, { ev: 'wake' })).toBeUndefined();
  });

  it('--since keeps lines stamped at or after the time', () => {
    expect(selected(all, { sinceMs: Date.parse('2026-03-10T11:00:00.000Z') })).toEqual([WAKE_BORIS, DELIVER_BORISOV, STOP_ALICE]);
  });

  it('combines filters: all must hold', () => {
    expect(selected(all, { peer: 'boris', ev: 'supervise' })).toEqual([REAP_BORIS]);
    expect(selected(all, { peer: 'boris', ev: 'supervise', sinceMs: Date.parse('2026-03-10T10:30:00.000Z') })).toEqual([]);
    expect(selected(all, { peer: 'alice', sinceMs: Date.parse('2026-03-10T11:00:00.000Z') })).toEqual([STOP_ALICE]);
  });

  it('keeps a line that is not logfmt (as null) only when nothing filters', () => {
    expect(selectLine('garbage boris wake', {})).toBeNull();
    expect(selectLine('garbage boris wake', { peer: 'boris' })).toBeUndefined();
    expect(selectLine('ts=2026-03-10T11:00:00.000Z ev=wake "unterminated', { ev: 'wake' })).toBeUndefined();
    expect(selectLine('', {})).toBeUndefined();
  });

  it('matches quoted and escaped values by their meaning', () => {
    const quoted = formatLine([['ts', '2026-03-10T11:00:00.000Z'], ['ev', 'deliver'], ['identity', 'demo-boris'], ['reason', 'a "b" = c\nd']]);
    expect(selectLine(quoted, { peer: 'boris' })?.get('reason')).toBe('a "b" = c\nd');
  });
});

describe('timeOfLine', () => {
  it('reads the leading ts only', () => {
    expect(timeOfLine(WAKE_BORIS)).toBe(Date.parse('2026-03-10T11:00:00.000Z'));
    expect(timeOfLine('ts=2026-03-10T11:00:00.000Z')).toBe(Date.parse('2026-03-10T11:00:00.000Z'));
    expect(timeOfLine('ev=wake ts=2026-03-10T11:00:00.000Z')).toBeNaN();
    expect(timeOfLine('ts=soon ev=wake')).toBeNaN();
  });
});

describe('lineObject', () => {
  it('has every field as a string, ts first', () => {
    const fields = new Map([
      ['ev', 'blocker'],
      ['ts', '2026-03-10T11:00:00.000Z'],
      ['deaths', '5'],
    ]);
    const object = lineObject(fields);
    expect(Object.keys(object)).toEqual(['ts', 'ev', 'deaths']);
    expect(JSON.parse(JSON.stringify(object))).toEqual({ ts: '2026-03-10T11:00:00.000Z', ev: 'blocker', deaths: '5' });
  });

  it('keeps a field named __proto__ as a field', () => {
    const object = lineObject(new Map([['ts', 't'], ['__proto__', 'x']]));
    expect(JSON.stringify(object)).toBe('{"ts":"t","__proto__":"x"}');
  });
});
