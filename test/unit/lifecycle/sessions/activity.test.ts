import { describe, expect, it } from 'vitest';
import {
  type ActivityFacts,
  type ActivityVerdict,
  PERMISSION_WORDS,
  STALE_EVENTS_MS,
  decideActivity,
  eventsVerdict,
  screenMatters,
} from '../../../../src/lifecycle/sessions/activity.js';
import type { AgentEvent } from '../../../../src/transport/events/event-line.js';

const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const SPAWN = NOW - 600_000;

/** An event `ago` ms before NOW. */
const ev = (kind: string, ago: number, extra: Partial<AgentEvent> = {}): AgentEvent => ({ kind, at: NOW - ago, ...extra });
const spawn = ev('iapeer-spawn', 600_000, { mode: 'fresh' });
const start = ev('SessionStart', 599_000, { source: 'startup' });
const prompt = (ago: number) => ev('UserPromptSubmit', ago, { envelopeId: 'x' });
const notify = (ago: number, type: string, message?: string) =>
  ev('Notification', ago, { notificationType: type, ...(message === undefined ? {} : { message }) });

function facts(events: AgentEvent[] | undefined, overrides: Partial<ActivityFacts> = {}): ActivityFacts {
  return { events, spawnedAtMs: SPAWN, lastOutputMs: NOW - 1000, nowMs: NOW, ...overrides };
}

const READY = { busy: false, ready: true };
const BUSY = { busy: true, ready: false };
const NEITHER = { busy: false, ready: false };

describe('decideActivity from events', () => {
  const rows: Array<[string, AgentEvent[], Partial<ActivityFacts>, ActivityVerdict]> = [
    ['Claude SessionStart startup → idle', [spawn, start], {}, { activity: 'idle', since: start.at, source: 'events' }],
    ['SessionStart resume → idle', [spawn, ev('SessionStart', 500, { source: 'resume' })], {}, { activity: 'idle', since: NOW - 500, source: 'events' }],
    ['UserPromptSubmit → busy since it', [spawn, start, prompt(1000)], {}, { activity: 'busy', since: NOW - 1000, source: 'events' }],
    ['a second prompt in the turn keeps the first one\'s since', [spawn, start, prompt(2000), prompt(500)], {}, { activity: 'busy', since: NOW - 2000, source: 'events' }],
    ['Stop → idle since the Stop', [spawn, start, prompt(60_000), ev('Stop', 30_000)], {}, { activity: 'idle', since: NOW - 30_000, source: 'events' }],
    ['PermissionRequest → needs-input, permission', [spawn, start, prompt(2000), ev('PermissionRequest', 1000)], {}, { activity: 'needs-input', since: NOW - 1000, attention: PERMISSION_WORDS, reason: 'permission', source: 'events' }],
    [
      'the Notification after a PermissionRequest brings the words, same episode',
      [spawn, start, prompt(9000), ev('PermissionRequest', 8000), notify(1500, 'permission_prompt', 'Claude needs your permission')],
      {},
      { activity: 'needs-input', since: NOW - 8000, attention: 'Claude needs your permission', reason: 'permission', source: 'events' },
    ],
    [
      'Notification agent_needs_input → needs-input, dialog, its words',
      [spawn, start, prompt(9000), notify(1000, 'agent_needs_input', "Auto mode can't check actions")],
      {},
      { activity: 'needs-input', since: NOW - 1000, attention: "Auto mode can't check actions", reason: 'dialog', source: 'events' },
    ],
    ['Notification idle_prompt is not needs-input', [spawn, start, prompt(90_000), ev('Stop', 70_000), notify(10_000, 'idle_prompt', 'Claude is waiting for your input')], {}, { activity: 'idle', since: NOW - 70_000, source: 'events' }],
    ['Codex SessionStart → busy', [spawn, ev('SessionStart', 1000, { source: 'startup' })], { wiring: 'codex' }, { activity: 'busy', since: NOW - 1000, source: 'events' }],
    ['PreCompact → busy', [spawn, start, ev('PreCompact', 1000)], {}, { activity: 'busy', since: NOW - 1000, source: 'events' }],
    ['Claude SessionStart compact after PreCompact → idle', [spawn, start, ev('PreCompact', 2000), ev('SessionStart', 1000, { source: 'compact' })], {}, { activity: 'idle', since: NOW - 1000, source: 'events' }],
    ['Codex Interrupt → idle', [spawn, ev('SessionStart', 5000), prompt(5000), ev('Interrupt', 2000)], { wiring: 'codex' }, { activity: 'idle', since: NOW - 2000, source: 'events' }],
    ['iapeer-interrupt → idle', [spawn, start, prompt(9000), ev('iapeer-interrupt', 2000)], {}, { activity: 'idle', since: NOW - 2000, source: 'events' }],
    ['iapeer-interrupt at needs-input → idle', [spawn, start, prompt(9000), ev('PermissionRequest', 8000), ev('iapeer-interrupt', 1000)], {}, { activity: 'idle', since: NOW - 1000, source: 'events' }],
    ['a prompt after needs-input → busy', [spawn, start, ev('PermissionRequest', 8000), prompt(1000)], {}, { activity: 'busy', since: NOW - 1000, source: 'events' }],
    ['SessionEnd → unknown', [spawn, start, ev('SessionEnd', 1000)], {}, { activity: 'unknown', since: NOW - 1000, source: 'events' }],
    ['events of other kinds change nothing', [spawn, start, prompt(3000), ev('Stop', 2000), ev('PostCompact', 1000), ev('Whatever', 500)], {}, { activity: 'idle', since: NOW - 2000, source: 'events' }],
    ['recent busy events are not second-guessed by the screen', [spawn, start, prompt(1000)], { screen: READY }, { activity: 'busy', since: NOW - 1000, source: 'events' }],
    ['idle events are not second-guessed by a busy screen', [spawn, start, ev('Stop', 60_000)], { screen: BUSY }, { activity: 'idle', since: NOW - 60_000, source: 'events' }],
  ];
  it.each(rows)('%s', (_name, events, overrides, expected) => {
    expect(decideActivity(facts(events, overrides))).toEqual(expected);
  });
});

describe('decideActivity: stale events checked against the screen', () => {
  const stale = STALE_EVENTS_MS + 1000;
  const rows: Array<[string, AgentEvent[], Partial<ActivityFacts>, ActivityVerdict]> = [
    // Claude fires nothing on an Escape typed by a human.
    ['busy, screen ready and not busy → idle since the screen went quiet', [spawn, start, prompt(stale + 5000)], { screen: READY, lastOutputMs: NOW - stale }, { activity: 'idle', since: NOW - stale, source: 'screen' }],
    ['busy, screen ready but busy too → busy', [spawn, start, prompt(stale)], { screen: { busy: true, ready: true } }, { activity: 'busy', since: NOW - stale, source: 'events' }],
    ['busy, screen shows neither → busy', [spawn, start, prompt(stale)], { screen: NEITHER }, { activity: 'busy', since: NOW - stale, source: 'events' }],
    ['needs-input, screen busy → busy (the human answered)', [spawn, start, prompt(stale + 1000), ev('PermissionRequest', stale)], { screen: BUSY }, { activity: 'busy', since: NOW - stale, source: 'screen' }],
    ['needs-input, screen ready → idle (dismissed)', [spawn, start, ev('PermissionRequest', stale)], { screen: READY, lastOutputMs: NOW - 2000 }, { activity: 'idle', since: NOW - 2000, source: 'screen' }],
    ['needs-input, the dialog on screen (neither) → needs-input', [spawn, start, ev('PermissionRequest', stale)], { screen: NEITHER }, { activity: 'needs-input', since: NOW - stale, attention: PERMISSION_WORDS, reason: 'permission', source: 'events' }],
    ['needs-input, no screen → needs-input', [spawn, start, ev('PermissionRequest', stale)], {}, { activity: 'needs-input', since: NOW - stale, attention: PERMISSION_WORDS, reason: 'permission', source: 'events' }],
    ['idle since never earlier than the last event', [spawn, start, prompt(stale)], { screen: READY, lastOutputMs: NOW - stale - 9000 }, { activity: 'idle', since: NOW - stale, source: 'screen' }],
  ];
  it.each(rows)('%s', (_name, events, overrides, expected) => {
    expect(decideActivity(facts(events, overrides))).toEqual(expected);
  });
});

describe('decideActivity without events', () => {
  const rows: Array<[string, AgentEvent[] | undefined, Partial<ActivityFacts>, ActivityVerdict]> = [
    ['no wiring, screen busy → busy', undefined, { screen: BUSY }, { activity: 'busy', since: NOW - 1000, source: 'screen' }],
    ['no wiring, screen ready → idle since its last output', undefined, { screen: READY }, { activity: 'idle', since: NOW - 1000, source: 'screen' }],
    ['no wiring, screen shows neither → unknown since the spawn', undefined, { screen: NEITHER }, { activity: 'unknown', since: SPAWN, source: 'none' }],
    ['no wiring, no screen → unknown', undefined, {}, { activity: 'unknown', since: SPAWN, source: 'none' }],
    ['only the spawn mark (Codex before its first prompt) → the screen', [spawn], { screen: READY }, { activity: 'idle', since: NOW - 1000, source: 'screen' }],
    ['an iapeer-interrupt alone says nothing', [spawn, ev('iapeer-interrupt', 100)], { screen: BUSY }, { activity: 'busy', since: NOW - 1000, source: 'screen' }],
    ['nothing known of the spawn or output → since now', undefined, { spawnedAtMs: undefined, lastOutputMs: undefined }, { activity: 'unknown', since: NOW, source: 'none' }],
  ];
  it.each(rows)('%s', (_name, events, overrides, expected) => {
    expect(decideActivity(facts(events, overrides))).toEqual(expected);
  });
});

describe('screenMatters', () => {
  const rows: Array<[string, AgentEvent[] | undefined, boolean]> = [
    ['no wiring', undefined, true],
    ['only the spawn mark', [spawn], true],
    ['idle events', [spawn, start], false],
    ['fresh busy events', [spawn, start, prompt(1000)], false],
    ['stale busy events', [spawn, start, prompt(STALE_EVENTS_MS + 1)], true],
    ['stale needs-input events', [spawn, start, ev('PermissionRequest', STALE_EVENTS_MS + 1)], true],
    ['a session end', [spawn, start, ev('SessionEnd', 60_000)], false],
  ];
  it.each(rows)('%s → %s', (_name, events, expected) => {
    expect(screenMatters(facts(events))).toBe(expected);
  });

  it('dates the verdict from the event that changed it, and remembers the last one', () => {
    expect(eventsVerdict([spawn, start, prompt(3000), prompt(1000)])).toMatchObject({ since: NOW - 3000, lastEventAt: NOW - 1000 });
    expect(eventsVerdict([spawn])).toBeUndefined();
    expect(eventsVerdict([])).toBeUndefined();
  });
});
