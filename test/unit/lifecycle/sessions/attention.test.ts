import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathsFor, stateDirOf } from '../../../../src/core/paths.js';
import type { ActivityVerdict } from '../../../../src/lifecycle/sessions/activity.js';
import { noteAttention } from '../../../../src/lifecycle/sessions/attention.js';
import { LifecycleLog } from '../../../../src/lifecycle/log/lifecycle-log.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-attention-');
const ID = 'claude-ann';
const NOW = Date.parse('2026-12-05T12:00:00.000Z');

function setup() {
  const paths = pathsFor({ home: dir(), sockDir: join(dir(), 'sock') });
  mkdirSync(stateDirOf(paths, ID), { recursive: true, mode: 0o700 });
  const log = new LifecycleLog(paths.lifecycleLog, { maxBytes: 1024 * 1024, keep: 2 });
  const lines = () => {
    try {
      return readFileSync(paths.lifecycleLog, 'utf8').split('\n').filter((line) => line.includes('ev=attention'));
    } catch {
      return [];
    }
  };
  return { paths, log, lines, note: (verdict: ActivityVerdict | null) => noteAttention(paths, log, ID, verdict) };
}

const needs = (since: number, attention = 'Claude needs your permission', reason = 'permission'): ActivityVerdict => ({
  activity: 'needs-input',
  since,
  attention,
  reason,
  source: 'events',
});
const idle: ActivityVerdict = { activity: 'idle', since: NOW, source: 'events' };

describe('noteAttention', () => {
  it('logs an episode once, and its end once', async () => {
    const { note, lines } = setup();
    await note(idle);
    expect(lines()).toEqual([]);
    await note(needs(NOW));
    await note(needs(NOW, 'other words, same episode'));
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/ev=attention identity=claude-ann reason=permission msg="Claude needs your permission"$/);
    await note(idle);
    await note(null);
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toMatch(/ev=attention identity=claude-ann action=cleared$/);
  });

  it('an observer that still sees the cleared episode does not open it again', async () => {
    const { note, lines } = setup();
    await note(needs(NOW));
    await note(idle);
    await note(needs(NOW));
    expect(lines()).toHaveLength(2);
    // A new episode is a new line.
    await note(needs(NOW + 5000, "Auto mode can't check actions", 'dialog'));
    expect(lines()).toHaveLength(3);
    expect(lines()[2]).toMatch(/reason=dialog msg="Auto mode can't check actions"$/);
  });

  it('a new episode while the last one was never seen to end: cleared, then opened', async () => {
    const { note, lines } = setup();
    await note(needs(NOW));
    await note(needs(NOW + 60_000, 'again', 'dialog'));
    expect(lines().map((line) => line.replace(/^ts=\S+ /, ''))).toEqual([
      'ev=attention identity=claude-ann reason=permission msg="Claude needs your permission"',
      'ev=attention identity=claude-ann action=cleared',
      'ev=attention identity=claude-ann reason=dialog msg=again',
    ]);
  });

  it('many observers at once: one line per episode and per end', async () => {
    const { note, lines } = setup();
    await Promise.all(Array.from({ length: 20 }, () => note(needs(NOW))));
    expect(lines()).toHaveLength(1);
    await Promise.all(Array.from({ length: 20 }, () => note(null)));
    expect(lines()).toHaveLength(2);
  });

  it('never fails the caller: no state directory; a marker that is not one is replaced', async () => {
    const { paths, log, note, lines } = setup();
    await expect(noteAttention(paths, log, 'claude-nobody', needs(NOW))).resolves.toBeUndefined();
    writeFileSync(join(stateDirOf(paths, ID), 'attention'), 'not json');
    await expect(note(needs(NOW))).resolves.toBeUndefined();
    // The junk is put away and the episode logged.
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/reason=permission/);
  });
});
