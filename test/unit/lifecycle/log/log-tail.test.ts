import { describe, expect, it } from 'vitest';
import { LogTail } from '../../../../src/lifecycle/log/log-tail.js';

const at = (second: number) => `ts=2026-12-07T12:00:${String(second).padStart(2, '0')}.000Z`;

describe('LogTail', () => {
  it('files each line under the identity it is about, as log --peer <identity> has it', () => {
    const tail = new LogTail('/nonexistent');
    tail.add(`${at(1)} ev=add personality=boris action=created runtimes=claude,codex`);
    tail.add(`${at(2)} ev=wake personality=boris runtime=claude mode=fresh cause=first-start`);
    tail.add(`${at(3)} ev=stop identity=codex-boris was=down`);
    tail.add(`${at(4)} ev=deliver identity=claude-boris id=x outcome=delivered`);
    tail.add('not logfmt at all');
    expect(tail.linesAbout('claude-boris', 10).map((entry) => entry.fields['ev'])).toEqual(['add', 'wake', 'deliver']);
    expect(tail.linesAbout('codex-boris', 10).map((entry) => entry.fields['ev'])).toEqual(['add', 'stop']);
    expect(tail.lastAbout('claude-boris')?.fields['ev']).toBe('deliver');
    expect(tail.lastAbout('demo-nobody')).toBeUndefined();
  });

  it('keeps the last lines of each, oldest first', () => {
    const tail = new LogTail('/nonexistent');
    for (let index = 0; index < 300; index += 1) tail.add(`${at(index % 60)} ev=deliver identity=demo-a id=m${index} outcome=delivered`);
    const lines = tail.linesAbout('demo-a', 3).map((entry) => entry.fields['id']);
    expect(lines).toEqual(['m297', 'm298', 'm299']);
    expect(tail.linesAbout('demo-a', 1000)).toHaveLength(200);
  });
});
