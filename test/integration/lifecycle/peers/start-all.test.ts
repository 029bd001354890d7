// start --all through the built CLI, on real tmux and the demo agent: every peer that is down
// is started as `start <peer>` starts it; live ones are left, stopped and blocked ones too.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFakeServiceManager } from '../../../helpers/fake-service-manager.js';
import { expectError, listJson } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, lifecycleLog, livePeer } from '../../../fixtures/messages.js';

describe('start --all', () => {
  const home = useHome();

  it('starts the down peers (an always-on one through its service), leaves live, stopped and blocked ones', async () => {
    const fake = await makeFakeServiceManager(join(home.home, 'fake'));
    const userHome = join(home.home, 'user');
    await mkdir(userHome);
    const run = (args: string[]) => home.run(args, { env: { ...fake.env, HOME: userHome } });
    await addPeer(home, 'ann');
    await livePeer(home, 'ben');
    await livePeer(home, 'cy');
    expect((await home.run(['stop', 'cy'])).code).toBe(0);
    await addPeer(home, 'dot');
    // The crash-loop guard's mark, as it writes it.
    await mkdir(join(home.home, 'state', 'demo-dot'), { recursive: true, mode: 0o700 });
    await writeFile(join(home.home, 'state', 'demo-dot', 'blocked'), JSON.stringify({ at: new Date().toISOString(), deaths: 5, windowSec: 600 }), { mode: 0o600 });
    const cwd = join(home.home, 'work-eli');
    await mkdir(cwd);
    expect((await home.run(['add', 'eli', '--runtime', 'codex', 'demo', '--cwd', cwd])).code).toBe(0);
    expect((await home.run(['start', 'eli', 'demo'])).code).toBe(0);
    expect((await home.run(['add', 'fay', '--runtime', 'demo', '--cwd', cwd, '--always-on'])).code).toBe(0);

    const before = new Map((await listJson(home)).map((row) => [row.identity, row.pid]));
    const logBefore = await lifecycleLog(home);
    const result = await run(['start', '--all']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    // In registry order, whatever order the starts ended in.
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^started demo-ann \(fresh, first-start\), pid \d+$/),
      `demo-ben is already live, pid ${before.get('demo-ben')}`,
      'left demo-cy stopped (it was stopped on purpose; iapeer start demo-cy lifts it)',
      'left demo-dot blocked (it kept dying at start-up; iapeer start demo-dot lifts it)',
      `demo-eli is already live, pid ${before.get('demo-eli')}`,
      expect.stringMatching(/^started demo-fay \(fresh, first-start\), pid \d+$/),
      '',
    ]);
    const states = Object.fromEntries((await listJson(home)).map((row) => [row.identity, row.state]));
    expect(states).toEqual({ 'demo-ann': 'live', 'demo-ben': 'live', 'demo-cy': 'stopped', 'demo-dot': 'blocked', 'codex-eli': 'down', 'demo-eli': 'live', 'demo-fay': 'live' });
    const unit = `iapeer-peer-demo-fay-${createHash('sha256').update(home.home).digest('hex').slice(0, 8)}.service`;
    expect(await fake.calls()).toContainEqual(['systemctl', '--user', 'enable', '--now', unit]);
    const log = (await lifecycleLog(home)).slice(logBefore.length);
    expect(log).toMatch(/ ev=start identity=demo-ann outcome=woken/);
    expect(log).not.toMatch(/ ev=(start|wake) .*(demo-|personality=)(ben|cy|dot|eli) /);

    // Again: nothing left to start.
    const again = await run(['start', '--all']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/^started /m);
  });

  it('one that cannot start does not keep the others down: exit 1 naming it', async () => {
    await addPeer(home, 'ok');
    const cwd = join(home.home, 'work-gone');
    await mkdir(cwd);
    expect((await home.run(['add', 'gone', '--runtime', 'codex', '--cwd', cwd])).code).toBe(0);
    const result = await home.run(['start', '--all'], { env: { PATH: '/usr/bin:/bin' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^started demo-ok /m);
    expect(result.stderr).toMatch(/^iapeer: start: could not start codex-gone: runtime codex: command "codex" is not on PATH/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect((await listJson(home)).map((row) => row.state)).toEqual(['live', 'down']);
  });

  it('--all with a peer is refused, and an empty registry has nothing to start', async () => {
    expect((await home.run(['start', '--all'])).stdout).toBe('no peers to start: add one with iapeer add <peer> --runtime <runtime>\n');
    await addPeer(home, 'ann');
    expectError(await home.run(['start', 'ann', '--all']), 2, 'start', /give a peer or --all, not both/);
    expectError(await home.run(['start']), 2, 'start', /name the peer to start, or use --all/);
    expect((await listJson(home))[0]?.state).toBe('down');
  });
});
