// Resume by session id on real tmux: a fixture runtime that keeps its conversations by id
// (test/fixtures/session-agent.sh), reaped idle by a real `daemon run`, woken by `start`.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, waitFor } from '../../../helpers/cli.js';
import { type DaemonProcess, startDaemon } from '../../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { expectOk, lifecycleLines, rowOf, serverUp, transcript, workDir } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';

const home = useHome();
const AGENT = join(REPO, 'test', 'fixtures', 'session-agent.sh');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `chosen` takes its id from iapeer (as Claude does), `reported` reports its own (as Codex does), `silent` names none. */
async function defineRuntimes(): Promise<void> {
  const resume = ['sh', AGENT, '--resume', '@SESSION_ID@'];
  const runtimes = {
    chosen: { fresh: ['sh', AGENT, '--session-id', '@SESSION_ID@'], resume, ready: '^ready>' },
    reported: { fresh: ['sh', AGENT, '--report'], resume, ready: '^ready>' },
    silent: { fresh: ['sh', AGENT], resume, ready: '^ready>' },
  };
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes }), { mode: 0o600 });
}

async function addPeer(name: string, runtime: string, cwd: string): Promise<void> {
  expectOk(await home.run(['add', name, '--runtime', runtime, '--cwd', cwd, '--idle-timeout', '2']));
  expectOk(await home.run(['start', name]));
}

/** Each start of the agent in `cwd`, as "<identity> <argv>". */
async function startsIn(cwd: string): Promise<string[]> {
  const text = await readFile(join(cwd, 'starts.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

async function wakeLines(): Promise<string[]> {
  return (await lifecycleLines(home)).filter((line) => line.includes(' ev=wake '));
}

/** Runs a fast daemon until every identity named was reaped idle, then ends it: no reap races the wakes after. */
async function reapIdle(identities: readonly string[]): Promise<void> {
  const daemon: DaemonProcess = startDaemon(home, { IAPEER_SUPERVISE_INTERVAL_MS: '200' });
  await waitFor(
    async () => {
      if (daemon.child.exitCode !== null) throw new Error(`the daemon exited (${daemon.child.exitCode}): ${daemon.stderr}`);
      const lines = await lifecycleLines(home);
      return identities.every((identity) => lines.some((line) => line.includes(` ev=supervise identity=${identity} action=reaped-idle `)));
    },
    `the idle reaps of ${identities.join(', ')}`,
    scaled(30_000),
  );
  daemon.child.kill('SIGTERM');
  await daemon.exit;
  for (const identity of identities) expect(serverUp(home, identity)).toBe(false);
}

async function sessionIdOf(identity: string): Promise<string | null | undefined> {
  return (await rowOf(home, identity))?.sessionId;
}

describe('resume by session id', () => {
  it(
    'two peers in one directory each resume their own conversation after an idle reap',
    async () => {
      await defineRuntimes();
      const cwd = await workDir(home, 'shared');
      await addPeer('ann', 'chosen', cwd);
      await addPeer('bea', 'chosen', cwd);
      const ann = await sessionIdOf('chosen-ann');
      const bea = await sessionIdOf('chosen-bea');
      expect(ann).toMatch(UUID);
      expect(bea).toMatch(UUID);
      expect(ann).not.toBe(bea);
      expect(await startsIn(cwd)).toEqual([`chosen-ann --session-id ${ann}`, `chosen-bea --session-id ${bea}`]);
      expect(await wakeLines()).toEqual([
        expect.stringMatching(new RegExp(` ev=wake personality=ann runtime=chosen mode=fresh cause=first-start session=${ann}$`)),
        expect.stringMatching(new RegExp(` ev=wake personality=bea runtime=chosen mode=fresh cause=first-start session=${bea}$`)),
      ]);

      await reapIdle(['chosen-ann', 'chosen-bea']);
      // bea was used last in the directory: a "most recent conversation" resume would take hers for both.
      expectOk(await home.run(['start', 'bea']));
      const started = await home.run(['start', 'ann']);
      expectOk(started);
      expect(started.stdout).toMatch(/\(resume, idle-reaped\)/);
      expect((await startsIn(cwd)).slice(2)).toEqual([`chosen-bea --resume ${bea}`, `chosen-ann --resume ${ann}`]);
      expect((await wakeLines()).slice(2)).toEqual([
        expect.stringMatching(new RegExp(` ev=wake personality=bea runtime=chosen mode=resume cause=idle-reaped session=${bea}$`)),
        expect.stringMatching(new RegExp(` ev=wake personality=ann runtime=chosen mode=resume cause=idle-reaped session=${ann}$`)),
      ]);
      expect(await sessionIdOf('chosen-ann')).toBe(ann);
      const shown = await home.run(['show', 'ann']);
      expectOk(shown);
      expect(shown.stdout).toMatch(new RegExp(`session +started .* \\(resume, idle-reaped\\), session ${ann}\\n`));
      const marker = JSON.parse(await readFile(join(home.home, 'state', 'chosen-ann', 'spawned'), 'utf8')) as { sessionId: string };
      expect(marker.sessionId).toBe(ann);
    },
    testTimeoutFor(60_000),
  );

  it(
    "resumes with the id the runtime reported itself, which iapeer did not know at the spawn",
    async () => {
      await defineRuntimes();
      const cwd = await workDir(home, 'rex');
      await addPeer('rex', 'reported', cwd);
      const own = await waitFor(() => sessionIdOf('reported-rex'), "rex's reported session id", scaled(15_000));
      expect(own).toMatch(/^own-[0-9a-f]{16}$/);
      // Nothing to name at the fresh spawn: iapeer did not choose it.
      expect(await wakeLines()).toEqual([expect.stringMatching(/ ev=wake personality=rex runtime=reported mode=fresh cause=first-start$/)]);

      await reapIdle(['reported-rex']);
      expectOk(await home.run(['start', 'rex']));
      expect((await startsIn(cwd)).at(-1)).toBe(`reported-rex --resume ${own}`);
      expect((await wakeLines()).at(-1)).toMatch(new RegExp(` mode=resume cause=idle-reaped session=${own}$`));
    },
    testTimeoutFor(60_000),
  );

  it(
    'with no session id recorded the wake is fresh, cause=no-session, never a resume of some other conversation',
    async () => {
      await defineRuntimes();
      const cwd = await workDir(home, 'sam');
      await addPeer('sam', 'silent', cwd);
      expect(await sessionIdOf('silent-sam')).toBeNull();
      await reapIdle(['silent-sam']);
      const started = await home.run(['start', 'sam']);
      expectOk(started);
      expect(started.stdout).toMatch(/\(fresh, no-session\)/);
      expect(await startsIn(cwd)).toEqual(['silent-sam ', 'silent-sam ']);
      expect((await wakeLines()).at(-1)).toMatch(/ ev=wake personality=sam runtime=silent mode=fresh cause=no-session$/);
    },
    testTimeoutFor(60_000),
  );

  it(
    'a resume whose conversation is gone ends at once, and the wake falls back to a fresh session once',
    async () => {
      await defineRuntimes();
      const cwd = await workDir(home, 'gia');
      await addPeer('gia', 'chosen', cwd);
      const old = await sessionIdOf('chosen-gia');
      await reapIdle(['chosen-gia']);
      await rm(join(cwd, 'sessions', String(old)));

      const started = await home.run(['start', 'gia']);
      expectOk(started);
      expect(started.stdout).toMatch(/\(fresh, crash-or-self-close\)/);
      const renewed = await sessionIdOf('chosen-gia');
      expect(renewed).toMatch(UUID);
      expect(renewed).not.toBe(old);
      expect((await startsIn(cwd)).slice(1)).toEqual([`chosen-gia --resume ${old}`, `chosen-gia --session-id ${renewed}`]);
      expect((await wakeLines()).slice(1)).toEqual([
        expect.stringMatching(new RegExp(` mode=resume cause=idle-reaped session=${old}$`)),
        expect.stringMatching(new RegExp(` mode=fresh cause=crash-or-self-close session=${renewed}$`)),
      ]);
      expect((await rowOf(home, 'chosen-gia'))?.state).toBe('live');
    },
    testTimeoutFor(60_000),
  );

  it(
    'the demo agent starts under the id iapeer gives it and resumes by it',
    async () => {
      const cwd = await workDir(home, 'dee');
      await addPeer('dee', 'demo', cwd);
      const id = await sessionIdOf('demo-dee');
      expect(id).toMatch(UUID);
      await reapIdle(['demo-dee']);
      expectOk(await home.run(['start', 'dee']));
      const starts = await waitFor(async () => {
        const entries = (await transcript(cwd)).filter((entry) => entry.kind === 'start');
        return entries.length === 2 ? entries : undefined;
      }, 'the resumed start in the transcript', scaled(15_000));
      expect(starts.map((entry) => [entry.mode, entry.sessionId])).toEqual([
        ['fresh', id],
        ['resume', id],
      ]);
      expect((await wakeLines()).at(-1)).toMatch(new RegExp(` ev=wake personality=dee runtime=demo mode=resume cause=idle-reaped session=${id}$`));
      expect(await sessionIdOf('demo-dee')).toBe(id);
    },
    testTimeoutFor(60_000),
  );
});
