import { describe, expect, it } from 'vitest';
import { formatEventLine, lastSession, parseEventLine, sessionIdOf } from '../../../../src/transport/events/event-line.js';

const CLAUDE_PROMPT =
  'UserPromptSubmit 1765000000 {"session_id":"0b6f3c1e-1111-4222-8333-944445555666","transcript_path":"/root/.claude/projects/-w/0b6f.jsonl","cwd":"/w","hook_event_name":"UserPromptSubmit","prompt":"[iap from=operator topic=none id=mhwxk3c1z000-11a9-9f2c4a]\\nhello [iap from=x topic=y id=other-1]","prompt_id":"p1"}';

describe('parseEventLine', () => {
  it('reads kind, time, session id and the first envelope id of a prompt', () => {
    expect(parseEventLine(CLAUDE_PROMPT)).toEqual({
      kind: 'UserPromptSubmit',
      at: 1_765_000_000_000,
      sessionId: '0b6f3c1e-1111-4222-8333-944445555666',
      envelopeId: 'mhwxk3c1z000-11a9-9f2c4a',
    });
  });

  it('finds the header of a paste Claude wrapped, and of a payload cut mid-document', () => {
    const wrapped = 'UserPromptSubmit 5 {"session_id":"s","prompt":"\\n\\n<pasted_content id=\\"f149\\">\\n[iap from=claude-amy topic=build id=ab12-3]\\nline 1';
    expect(parseEventLine(wrapped)).toMatchObject({ kind: 'UserPromptSubmit', at: 5000, sessionId: 's', envelopeId: 'ab12-3' });
  });

  it('reads a notification’s type and words, unescaped', () => {
    const line = 'Notification 7 {"session_id":"s","notification_type":"agent_needs_input","message":"Auto mode can\'t check \\"actions\\""}';
    expect(parseEventLine(line)).toEqual({ kind: 'Notification', at: 7000, sessionId: 's', notificationType: 'agent_needs_input', message: 'Auto mode can\'t check "actions"' });
  });

  it('reads iapeer’s own spawn mark, whose session id may be null', () => {
    expect(parseEventLine(formatEventLine('iapeer-spawn', 12_345, { session_id: null, mode: 'fresh' }))).toEqual({ kind: 'iapeer-spawn', at: 12_000, mode: 'fresh' });
    expect(parseEventLine(formatEventLine('iapeer-spawn', 12_345, { session_id: 'u', mode: 'resume' }))).toEqual({ kind: 'iapeer-spawn', at: 12_000, sessionId: 'u', mode: 'resume' });
  });

  it.each([
    ['', 'empty'],
    ['Stop', 'no time'],
    ['Stop abc {}', 'a time that is not a number'],
    ['{"session_id":"s"}', 'no kind'],
    ['Stop 1', 'no payload separator'],
  ])('refuses %j (%s)', (line) => {
    expect(parseEventLine(line)).toBeUndefined();
  });

  it('keeps an event whose payload is not JSON at all, with no fields', () => {
    expect(parseEventLine('Stop 9 garbage')).toEqual({ kind: 'Stop', at: 9000 });
  });
});

describe('lastSession and sessionIdOf', () => {
  const events = [
    { kind: 'iapeer-spawn', at: 1, sessionId: 'old' },
    { kind: 'Stop', at: 2, sessionId: 'old' },
    { kind: 'iapeer-spawn', at: 3 },
    { kind: 'SessionStart', at: 4 },
  ];

  it('cuts at the last spawn mark', () => {
    expect(lastSession(events)).toEqual(events.slice(2));
    expect(lastSession(events.slice(1, 2))).toEqual(events.slice(1, 2));
  });

  it('names no session id for a session that reported none, however old the file', () => {
    expect(sessionIdOf(lastSession(events))).toBeUndefined();
    expect(sessionIdOf([...lastSession(events), { kind: 'UserPromptSubmit', at: 5, sessionId: 'new' }])).toBe('new');
  });

  it('follows a later id (Claude’s /clear starts a new one)', () => {
    expect(sessionIdOf([{ kind: 'iapeer-spawn', at: 1, sessionId: 'a' }, { kind: 'SessionStart', at: 2, sessionId: 'b' }])).toBe('b');
  });
});
