// restart through the built CLI, on real tmux and the demo agent: stop then start, as those
// verbs do them; it comes back fresh, or resumed after an idle reap; bad input changes nothing.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../helpers/cli.js';
import { makeFakeServiceManager } from '../../../helpers/fake-service-manager.js';
import { expectError, isRunning, listJson, rowOf } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, expectedText, lifecycleLog, livePeer, messagesOf, screenOf, sendJson } from '../../../fixtures/messages.js';

describe('restart', () => {
  const home = useHome();

  it('a live peer: its session ended, a fresh one started (cause=operator), and it takes messages', async () => {
    const cwd = await livePeer(home, 'bob');
    const old = (await rowOf(home, 'demo-bob'))?.pid ?? -1;
    const logBefore = await lifecycleLog(home);
    const result = await home.run(['restart', 'bob']);
    expect(result.code, result.stderr).toBe(0);
    const pid = Number(/^restarted demo-bob \(fresh, operator\), pid (\d+)\n$/.exec(result.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(old);
    await waitFor(() => !isRunning(old), 'the old session gone');
    expect(await rowOf(home, 'demo-bob')).toMatchObject({ state: 'live', pid });
    const log = (await lifecycleLog(home)).slice(logBefore.length).split('\n').filter(Boolean).map((line) => line.replace(/^ts=\S+ /, ''));
    expect(log).toEqual(['ev=stop identity=demo-bob was=live', expect.stringMatching(/^ev=wake personality=bob runtime=demo mode=fresh cause=operator session=[0-9a-f-]{36}$/), 'ev=start identity=demo-bob outcome=woken']);
    const sent = await sendJson(home, ['bob', '--message', 'after the restart']);
    expect(sent.outcome).toBe('delivered');
    expect((await messagesOf(cwd)).at(-1)).toBe(expectedText(sent.id, 'after the restart'));
  });

  it('without a runtime, the live runtimes only; a down one is not stopped', async () => {
    const cwd = join(home.home, 'work-eli');
    await mkdir(cwd);
    expect((await home.run(['add', 'eli', '--runtime', 'codex', 'demo', '--cwd', cwd])).code).toBe(0);
    expect((await home.run(['start', 'eli', 'demo'])).code).toBe(0);
    const result = await home.run(['restart', 'eli']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^restarted demo-eli \(fresh, operator\), pid \d+\n$/);
    expect((await listJson(home)).map((row) => [row.identity, row.state])).toEqual([
      ['codex-eli', 'down'],
      ['demo-eli', 'live'],
    ]);
  });

  it('a stopped peer comes back, as stop + start would; after an idle reap it resumes', async () => {
    await livePeer(home, 'cy');
    expect((await home.run(['stop', 'cy'])).code).toBe(0);
    const stopped = await home.run(['restart', 'demo-cy']);
    expect(stopped.stdout).toMatch(/^restarted demo-cy \(fresh, operator\), pid \d+; it was not running\n$/);
    expect((await rowOf(home, 'demo-cy'))?.state).toBe('live');

    await addPeer(home, 'ida');
    expect((await home.run(['start', 'ida'])).code).toBe(0);
    expect((await home.run(['stop', 'ida'])).code).toBe(0);
    // What the daemon's idle reap leaves (README, "The daemon"): the next wake resumes.
    await writeFile(join(home.home, 'state', 'demo-ida', 'idle-reaped'), JSON.stringify({ at: new Date().toISOString(), ageSec: 3600 }), { mode: 0o600 });
    const resumed = await home.run(['restart', 'ida']);
    expect(resumed.stdout).toMatch(/^restarted demo-ida \(resume, idle-reaped\), pid \d+; it was not running\n$/);
    await waitFor(() => screenOf(home, 'demo-ida').includes('demo> '), 'the resumed prompt');
  });

  it('an always-on peer: its service is stopped, then installed and started again, as stop and start do', async () => {
    const fake = await makeFakeServiceManager(join(home.home, 'fake'));
    const userHome = join(home.home, 'user');
    await mkdir(userHome);
    const run = (args: string[]) => home.run(args, { env: { ...fake.env, HOME: userHome } });
    const cwd = join(home.home, 'work-ao');
    await mkdir(cwd);
    expect((await run(['add', 'ao', '--runtime', 'demo', '--cwd', cwd, '--always-on'])).code).toBe(0);
    expect((await run(['start', 'ao'])).code).toBe(0);
    const unit = `iapeer-peer-demo-ao-${createHash('sha256').update(home.home).digest('hex').slice(0, 8)}.service`;
    const before = (await fake.calls()).length;
    const result = await run(['restart', 'ao']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^restarted demo-ao \(fresh, operator\), pid \d+\n$/);
    const calls = (await fake.calls()).slice(before).filter((call) => call.includes(unit));
    expect(calls).toEqual([
      ['systemctl', '--user', 'disable', '--now', unit],
      ['systemctl', '--user', 'reset-failed', unit],
      ['systemctl', '--user', 'enable', '--now', unit],
    ]);
    expect((await rowOf(home, 'demo-ao'))?.state).toBe('live');
  });

  it('unknown peers and runtimes exit 2 and change nothing; a runtime that cannot start exits 1 saying it was stopped', async () => {
    await livePeer(home, 'dan');
    const pid = (await rowOf(home, 'demo-dan'))?.pid;
    const logBefore = await lifecycleLog(home);
    expectError(await home.run(['restart', 'nobody']), 2, 'restart', /no peer named "nobody"/);
    expectError(await home.run(['restart', 'dan', 'codex']), 2, 'restart', /peer dan has no runtime "codex"/);
    expectError(await home.run(['restart', 'demo-nobody']), 2, 'restart', /no peer or identity named "demo-nobody"/);
    expect(await lifecycleLog(home)).toBe(logBefore);
    expect(await rowOf(home, 'demo-dan')).toMatchObject({ state: 'live', pid });

    const cwd = join(home.home, 'work-gil');
    await mkdir(cwd);
    expect((await home.run(['add', 'gil', '--runtime', 'codex', '--cwd', cwd])).code).toBe(0);
    const failed = await home.run(['restart', 'gil'], { env: { PATH: '/usr/bin:/bin' } });
    expectError(failed, 1, 'restart', /^iapeer: restart: codex-gil was stopped but did not start again: runtime codex: command "codex" is not on PATH.*; once that is fixed: iapeer start codex-gil$/);
  });
});
