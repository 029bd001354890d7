// A `start` killed part way (SIGKILL, so it cleans up nothing) leaves `list` telling the
// truth that tmux tells, and a `stop` afterwards leaves no server, socket or process.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { snapshotTree } from '../../../../src/core/process/process-tree.js';
import { CLI, REPO, tmux, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectOk, isRunning, rowOf, serverUp, socketExists, workDir } from '../../../helpers/fleet.js';

const IDENTITY = 'demo-alice';
const home = useHome();

beforeEach(async () => {
  expectOk(await home.run(['add', 'alice', '--runtime', 'demo', '--cwd', await workDir(home, 'alice')]));
});


/** The agent pane's pid when tmux says it is live, asked directly. */
function tmuxLivePid(): number | undefined {
  const panes = tmux(join(home.sockDir, IDENTITY), ['list-panes', '-s', '-t', `=${IDENTITY}`, '-F', '#{pane_id} #{pane_dead} #{pane_pid}']);
  const agent = panes.stdout.split('\n').find((line) => line.startsWith('%0 '));
  const [, dead, pid] = agent?.split(' ') ?? [];
  return panes.ok && dead === '0' ? Number(pid) : undefined;
}

/**
 * `list` agrees with tmux: asked between two tmux looks that agree with each other (a
 * killed start's tmux client may still be bringing the server up), it says the same.
 */
async function expectListAgreesWithTmux(what: string): Promise<boolean> {
  return waitFor(async () => {
    const before = tmuxLivePid() !== undefined;
    const row = await rowOf(home, IDENTITY);
    const after = tmuxLivePid() !== undefined;
    if (before !== after) return undefined;
    expect(row?.state === 'live', `${what}: list says ${row?.state}, tmux says ${before ? 'live' : 'not live'}`).toBe(before);
    return { live: before };
  }, `list and tmux to settle (${what})`).then((result) => result.live);
}

/** Stops the peer and checks that nothing of its session is left. */
async function stopAndExpectNothingLeft(what: string): Promise<void> {
  const pane = tmuxLivePid();
  const tree = pane === undefined ? [] : (await snapshotTree(pane)).pids;
  expectOk(await home.run(['stop', 'alice']));
  await waitFor(() => tree.every((pid) => !isRunning(pid)), `the agent's processes ${tree.join(' ')} to be gone (${what})`);
  expect(serverUp(home, IDENTITY), what).toBe(false);
  expect(socketExists(home, IDENTITY), what).toBe(false);
}

function startInBackground(env: Record<string, string> = {}): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, [CLI, 'start', 'alice'], { cwd: REPO, env: { ...home.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

describe('a start killed part way', () => {
  it('between spawning and recording: list still sees the live agent, with no record and with a stale one', async () => {
    const env = { IAPEER_TMUX: join(REPO, 'test', 'fixtures', 'tmux-wrapper.sh'), IAPEER_TEST_TMUX_MODE: 'pause' };
    for (const round of ['no record yet', 'a record from the session before']) {
      await rm(join(home.home, 'paused'), { force: true });
      const start = startInBackground(env);
      await waitFor(() => existsSync(join(home.home, 'paused')), 'the spawn to happen');
      start.child.kill('SIGKILL');
      await start.exited;
      expect(await expectListAgreesWithTmux(round), round).toBe(true);
      await stopAndExpectNothingLeft(round);
      // The next round has a `spawned` record older than the socket it will find.
      expectOk(await home.run(['start', 'alice']));
      await stopAndExpectNothingLeft(`${round}, plain start`);
    }
  });

  it(
    'at any moment: list agrees with tmux every time, and stop leaves nothing',
    async () => {
      for (const delayMs of [50, 100, 150, 200, 300, 400, 500, 650, 800, 1000]) {
        const start = startInBackground();
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        start.child.kill('SIGKILL');
        await start.exited;
        await expectListAgreesWithTmux(`killed after ${delayMs} ms`);
        await stopAndExpectNothingLeft(`killed after ${delayMs} ms`);
      }
    },
    // A killed start may leave its identity lock behind, which a stop waits out.
    400_000,
  );
});
