// show, through the built CLI: a peer's record and each runtime's state as list, status, queue
// and log see them, on real tmux and the demo agent; it changes nothing; bad input exits 2.
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../helpers/cli.js';
import { expectError, isRunning, listJson, runtimePidOf } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { lifecycleLog, livePeer, sendJson } from '../../../fixtures/messages.js';

interface ShownIdentity {
  identity: string;
  state: string;
  pid: number | null;
  waiting: number;
  setAside: number;
  spawned: { mode: string; cause: string } | null;
  stoppedAt: string | null;
  deaths: Array<{ exit: number | null; fast: boolean }>;
  recentFastDeaths: number;
}

interface Shown {
  peer: Record<string, unknown>;
  idleTimeoutSec: number;
  identities: ShownIdentity[];
  events: Array<Record<string, string>>;
}

async function showJson(home: ReturnType<typeof useHome>, word: string): Promise<Shown> {
  const result = await home.run(['show', word, '--json']);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Shown;
}

describe('show', () => {
  const home = useHome();

  it('the record, each runtime as list sees it, its queue and its last 10 events; nothing changes', async () => {
    const cwd = join(home.home, 'work-bob');
    await mkdir(cwd, { recursive: true });
    const added = await home.run(['add', 'bob', '--runtime', 'demo', 'codex', '--cwd', cwd, '--description', 'writes the notes', '--idle-timeout', '1800']);
    expect(added.code, added.stderr).toBe(0);
    expect((await home.run(['start', 'bob'])).code).toBe(0);
    for (let i = 0; i < 12; i++) await sendJson(home, ['bob', '--message', `note ${i}`]);
    const queued = [await sendJson(home, ['codex-bob', '--message', 'one', '--no-wake']), await sendJson(home, ['codex-bob', '--message', 'two', '--no-wake'])];
    const aside = join(home.home, 'queue', 'codex-bob', 'set-aside');
    await mkdir(aside, { recursive: true });
    await rename(join(home.home, 'queue', 'codex-bob', `${queued[0]?.id}.json`), join(aside, `${queued[0]?.id}.json`));
    expect((await home.run(['stop', 'bob', 'codex'])).code).toBe(0);

    const logBefore = await lifecycleLog(home);
    const shown = await showJson(home, 'bob');
    expect(shown.peer).toMatchObject({ personality: 'bob', runtimes: ['demo', 'codex'], cwd, description: 'writes the notes', alwaysOn: false, idleTimeoutSec: 1800, initialPrompt: null });
    expect(shown.idleTimeoutSec).toBe(1800);
    const listed = await listJson(home);
    for (const row of listed) {
      const { idleSeconds: _idle, ...same } = row;
      expect(shown.identities.find((entry) => entry.identity === row.identity)).toMatchObject(same);
    }
    const [demo, codex] = shown.identities;
    expect(demo).toMatchObject({ identity: 'demo-bob', state: 'live', waiting: 0, setAside: 0, spawned: { mode: 'fresh', cause: 'first-start' }, deaths: [] });
    expect(isRunning(demo?.pid ?? -1)).toBe(true);
    expect(codex).toMatchObject({ identity: 'codex-bob', state: 'stopped', waiting: 1, setAside: 1, spawned: null });
    expect(Date.parse(codex?.stoppedAt ?? '')).toBeGreaterThan(0);
    // The last 10 lines `log --peer bob` prints, as it prints them with --json.
    const logged = JSON.parse((await home.run(['log', '--peer', 'bob', '--json'])).stdout) as Array<Record<string, string>>;
    expect(shown.events).toEqual(logged.slice(-10));
    expect(shown.events.at(-1)).toMatchObject({ ev: 'stop', identity: 'codex-bob' });

    const text = await home.run(['show', 'bob']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^bob - writes the notes\n {2}cwd {13}\S+work-bob\n/);
    expect(text.stdout).toMatch(/^ {2}idle timeout {4}1800 s \(its own\)$/m);
    expect(text.stdout).toMatch(new RegExp(`^demo-bob  live, idle since \\S+, pid ${demo?.pid}, idle \\d+s$`, 'm'));
    expect(text.stdout).toMatch(/^codex-bob {2}stopped since \S+ \(iapeer start lifts it\)\n {2}session {3}never started\n {2}messages {2}1 waiting, 1 set aside \(iapeer queue\)$/m);
    expect(text.stdout).toMatch(/^last 10 lifecycle events \(iapeer log --peer bob\):$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/ ev=stop identity=codex-bob was=down$/);
    // Reading changed nothing.
    expect(await lifecycleLog(home)).toBe(logBefore);

    // An identity: that runtime only, and the events about it.
    const one = await showJson(home, 'codex-bob');
    expect(one.identities.map((entry) => entry.identity)).toEqual(['codex-bob']);
    expect(one.events.every((event) => event['identity'] === undefined || event['identity'] === 'codex-bob')).toBe(true);
  });

  it('a death shows with its exit status and counts as fast', async () => {
    await livePeer(home, 'dee');
    const [row] = await listJson(home);
    process.kill(runtimePidOf(row?.pid ?? -1), 'SIGKILL');
    await waitFor(async () => (await listJson(home))[0]?.state === 'down', 'the peer down');
    // The next wake records the end nobody saw (a start would also forget the deaths).
    expect((await sendJson(home, ['dee', '--message', 'are you there?'])).outcome).toBe('woken-delivered');
    const [dee] = (await showJson(home, 'dee')).identities;
    expect(dee?.deaths).toEqual([expect.objectContaining({ exit: 137, fast: true })]);
    expect(dee?.recentFastDeaths).toBe(1);
    expect((await home.run(['show', 'dee'])).stdout).toMatch(/^ {2}deaths {4}1 recorded, 1 fast in the last 10 min; last: \S+ exit 137 \(fast\)$/m);
  });

  it('an unknown or invalid name exits 2 with one line', async () => {
    await livePeer(home, 'eve');
    expectError(await home.run(['show', 'nobody']), 2, 'show', /no peer named "nobody"/);
    expectError(await home.run(['show', 'demo-nobody']), 2, 'show', /no peer or identity named "demo-nobody"/);
    expectError(await home.run(['show', 'codex-eve']), 2, 'show', /peer eve has no runtime "codex"/);
    expectError(await home.run(['show', 'Not A Name']), 2, 'show', /invalid peer name/);
  });
});
