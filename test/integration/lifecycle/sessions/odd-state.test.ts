// One identity's odd state (a file where its directory goes, a directory where a marker
// goes, a marker that cannot be written) fails that identity clearly and nothing else.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectError, expectOk, isRunning, listJson, serverUp, socketExists, workDir } from '../../../helpers/fleet.js';

const home = useHome();

async function addDemo(name: string): Promise<void> {
  expectOk(await home.run(['add', name, '--runtime', 'demo', '--cwd', await workDir(home, name)]));
}



describe('odd entries in the state directory', () => {
  it('a file where an identity directory goes: list shows everyone, start names the path', async () => {
    await addDemo('alice');
    await addDemo('bob');
    expectOk(await home.run(['start', 'bob']));
    await mkdir(join(home.home, 'state'), { recursive: true, mode: 0o700 });
    const odd = join(home.home, 'state', 'demo-alice');
    await writeFile(odd, 'not a directory\n', { mode: 0o600 });

    const rows = await listJson(home);
    expect(rows.map((row) => [row.identity, row.state])).toEqual([
      ['demo-alice', 'down'],
      ['demo-bob', 'live'],
    ]);

    const started = await home.run(['start', 'alice']);
    expectError(started, 1, 'start', /move it aside/);
    expect(started.stderr).toContain(odd);
    expect(started.stderr).not.toMatch(/unexpected failure/);
    expect(serverUp(home, 'demo-alice')).toBe(false);
  });

  it('a directory where a marker goes: start fails with one clear line, not EISDIR', async () => {
    await addDemo('alice');
    const marker = join(home.home, 'state', 'demo-alice', 'stopped');
    await mkdir(marker, { recursive: true, mode: 0o700 });

    const started = await home.run(['start', 'alice']);
    expectError(started, 1, 'start', /is not a regular file.*move it aside/);
    expect(started.stderr).toContain(marker);
    expect(serverUp(home, 'demo-alice')).toBe(false);
    expect((await listJson(home))[0]?.identity).toBe('demo-alice');

    const stopped = await home.run(['stop', 'alice']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(marker);
  });

  it('a spawn that cannot be recorded is ended, and start says so', async () => {
    await addDemo('alice');
    const env = { IAPEER_TMUX: join(REPO, 'test', 'fixtures', 'tmux-wrapper.sh'), IAPEER_TEST_TMUX_MODE: 'block-marker' };

    const started = await home.run(['start', 'alice'], { env });
    expectError(started, 1, 'start', /demo-alice was started but could not be recorded .*so it was ended/);
    const [pid = '', , serverPid = ''] = (await readFile(join(home.home, 'spawn-line'), 'utf8')).trim().split('|');
    expect(Number(pid)).toBeGreaterThan(1);
    await waitFor(() => !isRunning(Number(pid)) && !isRunning(Number(serverPid)), 'the spawned agent and its server to be gone');
    expect(serverUp(home, 'demo-alice')).toBe(false);
    expect(socketExists(home, 'demo-alice')).toBe(false);
    expect((await listJson(home))[0]?.state).toBe('down');
  });
});
