import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventsFileOf, pathsFor } from '../../../../src/core/paths.js';
import { lastSessionIdSync, recordedSessionId } from '../../../../src/lifecycle/sessions/session-id.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const root = useTempDir('iapeer-session-id-');
const paths = () => pathsFor({ home: root(), sockDir: join(root(), 'sock') });
const IDENTITY = 'claude-ada';
const file = () => eventsFileOf(paths(), IDENTITY);

function spawn(id: string | null, mode = 'fresh'): string {
  return `iapeer-spawn 1700000000 ${JSON.stringify({ session_id: id, mode })}\n`;
}

function hook(kind: string, id: string, extra = ''): string {
  return `${kind} 1700000001 {"session_id":"${id}","hook_event_name":"${kind}"${extra}}\n`;
}

function write(text: string): void {
  writeFileSync(file(), text, { mode: 0o600 });
}

/** Both readers, which must always agree. */
async function both(): Promise<[string | undefined, string | null]> {
  return [await recordedSessionId(paths(), IDENTITY), lastSessionIdSync(paths(), IDENTITY)];
}

beforeEach(() => {
  mkdirSync(join(root(), 'state', IDENTITY), { recursive: true, mode: 0o700 });
});

describe('the session id of the last session', () => {
  it('is the one iapeer gave at the spawn while the runtime reports nothing', async () => {
    write(spawn('a0'));
    expect(await both()).toEqual(['a0', 'a0']);
  });

  it("is the runtime's own report after the spawn (a /clear gives a new one)", async () => {
    write(spawn('a0') + hook('SessionStart', 'a0') + hook('UserPromptSubmit', 'a0') + hook('SessionStart', 'c1', ',"source":"clear"'));
    expect(await both()).toEqual(['c1', 'c1']);
  });

  it("is never an earlier session's: a spawn that names none names none", async () => {
    write(spawn('a0') + hook('Stop', 'a0') + spawn(null));
    expect(await both()).toEqual([undefined, null]);
  });

  it('is none without a file, or with a directory in its place', async () => {
    expect(await both()).toEqual([undefined, null]);
    mkdirSync(file());
    expect(await both()).toEqual([undefined, null]);
  });

  it('is not read through a symlink by list', () => {
    const elsewhere = join(root(), 'elsewhere');
    writeFileSync(elsewhere, spawn('stolen'));
    symlinkSync(elsewhere, file());
    expect(lastSessionIdSync(paths(), IDENTITY)).toBeNull();
  });

  it('skips garbage, blank lines and a payload cut short', async () => {
    write(`${spawn('a0')}\nnot an event\n\x00\x01junk\nStop 1700000002 {"session_id":"b2","last_assistant_message":"cut sho\n`);
    expect(await both()).toEqual(['b2', 'b2']);
  });

  it('reads a last line the hook is still writing only once it is whole', async () => {
    write(`${spawn('a0')}\nStop 1700000002 {"session_id":"b2"`);
    expect(await both()).toEqual(['a0', 'a0']);
  });

  it("finds the last session's id behind more than the list's tail of lines without one", async () => {
    const filler = 'Noise 1700000003 {"x":"' + 'y'.repeat(1000) + '"}\n';
    write(spawn('far') + filler.repeat(100));
    expect(await both()).toEqual(['far', 'far']);
  });

  it('takes the newest id in a tail that holds no spawn mark', async () => {
    write(spawn('a0') + hook('UserPromptSubmit', 'a0', `,"prompt":"${'p'.repeat(70_000)}"`) + hook('Stop', 'a0'));
    expect(await both()).toEqual(['a0', 'a0']);
  });
});
