import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPACT_AT_BYTES, appendEvent, compactEvents, readSessionEvents } from '../../../../src/transport/events/agent-events.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const tmp = useTempDir('iapeer-events-');

describe('the events file', () => {
  it('reads nothing from a file that is not there, or whose directory is not', async () => {
    expect(await readSessionEvents(join(tmp(), 'events'))).toEqual([]);
    expect(await readSessionEvents(join(tmp(), 'gone', 'events'))).toEqual([]);
  });

  it('gives the last session’s events, hook lines and iapeer’s marks in file order, skipping junk', async () => {
    const file = join(tmp(), 'events');
    await appendEvent(file, 'iapeer-spawn', { session_id: 'old', mode: 'fresh' }, 1000);
    appendFileSync(file, 'Stop 2 {"session_id":"old"}\n\n');
    await appendEvent(file, 'iapeer-spawn', { session_id: null, mode: 'resume' }, 3000);
    appendFileSync(file, 'not an event\nSessionStart 4 {"session_id":"new","source":"resume"}\n\nUserPromptSubmit 5 {"session_id":"new","prompt":"[iap from=operator topic=none id=m1]\\nhi"}\nStop 6 {"session_id":"ne');
    expect(await readSessionEvents(file)).toEqual([
      { kind: 'iapeer-spawn', at: 3000, mode: 'resume' },
      { kind: 'SessionStart', at: 4000, sessionId: 'new', source: 'resume' },
      { kind: 'UserPromptSubmit', at: 5000, sessionId: 'new', envelopeId: 'm1' },
    ]);
    // The Stop line is still being written (no newline yet): it is read once it is whole.
    appendFileSync(file, 'w"}\n');
    expect((await readSessionEvents(file)).at(-1)).toEqual({ kind: 'Stop', at: 6000, sessionId: 'new' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('finds the spawn mark beyond the tail it reads first', async () => {
    const file = join(tmp(), 'events');
    await appendEvent(file, 'iapeer-spawn', { session_id: 's', mode: 'fresh' }, 1000);
    const filler = `PreCompact 2 {"session_id":"s","pad":"${'x'.repeat(4000)}"}\n`;
    appendFileSync(file, filler.repeat(80));
    const events = await readSessionEvents(file);
    expect(events[0]).toEqual({ kind: 'iapeer-spawn', at: 1000, sessionId: 's', mode: 'fresh' });
    expect(events).toHaveLength(81);
  });

  it('compacts a large file to the last spawn mark and the last lines, and leaves a small one alone', async () => {
    const file = join(tmp(), 'events');
    writeFileSync(file, `iapeer-spawn 1 {"session_id":"a","mode":"fresh"}\n`);
    expect(await compactEvents(file)).toBe(false);
    const pad = 'y'.repeat(2000);
    for (let index = 0; index < 150; index += 1) appendFileSync(file, `Stop ${index + 2} {"session_id":"a","pad":"${pad}"}\n`);
    await appendEvent(file, 'iapeer-spawn', { session_id: 'b', mode: 'resume' }, 500_000);
    for (let index = 0; index < 300; index += 1) appendFileSync(file, `UserPromptSubmit ${600 + index} {"session_id":"b"}\n`);
    expect(statSync(file).size).toBeGreaterThan(COMPACT_AT_BYTES);
    const before = await readSessionEvents(file);
    expect(await compactEvents(file)).toBe(true);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('iapeer-spawn 500 {"session_id":"b","mode":"resume"}');
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toBe('UserPromptSubmit 899 {"session_id":"b"}');
    const after = await readSessionEvents(file);
    expect(after[0]).toEqual(before[0]);
    expect(after.at(-1)).toEqual(before.at(-1));
  });
});
