import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { type ListRow, expectOk, lifecycleLines, waitForTranscript, workDir } from '../../helpers/fleet.js';

const home = useHome();

/** What launchd or cron gives a job: a minimal PATH, HOME, and no locale at all. */
function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: process.env['HOME'] ?? homedir(), IAPEER_HOME: home.home, IAPEER_SOCK_DIR: home.sockDir, ...extra };
}

describe.each([
  ['no locale at all', {}],
  ['LANG=C.UTF-8', { LANG: 'C.UTF-8' }],
])('a demo peer in a bare environment with %s', (_label, locale: Record<string, string>) => {
  const run = (args: readonly string[]): Promise<CliResult> => runCli(args, { env: bareEnv(locale) });

  it('adds, starts, lists, interrupts, compacts and stops it', async () => {
    const cwd = await workDir(home, 'lea');
    expectOk(await run(['add', 'lea', '--runtime', 'demo', '--cwd', cwd]));

    const started = await run(['start', 'lea']);
    expectOk(started);
    expect(started.stdout).toMatch(/started demo-lea \(fresh, first-start\), pid \d+/);

    const listed = await run(['list', '--json']);
    expectOk(listed);
    const row = (JSON.parse(listed.stdout) as ListRow[]).find((entry) => entry.identity === 'demo-lea');
    expect(row).toMatchObject({ state: 'live' });
    expect(typeof row?.pid).toBe('number');
    expect(row?.pid).toBeGreaterThan(0);

    const spawned = JSON.parse(await readFile(join(home.home, 'state', 'demo-lea', 'spawned'), 'utf8')) as { pid: unknown; tty: unknown; serverPid: unknown };
    expect(spawned.pid).toBe(row?.pid);
    expect(spawned.tty).toMatch(/^\/dev\//);
    expect(typeof spawned.serverPid).toBe('number');

    expectOk(await run(['interrupt', 'lea']));
    await waitForTranscript(cwd, 'the interrupt', (entry) => entry.kind === 'interrupt');
    expectOk(await run(['compact', 'lea']));
    await waitForTranscript(cwd, 'the compact', (entry) => entry.kind === 'compact');

    const stopped = await run(['stop', 'lea']);
    expectOk(stopped);
    expect(stopped.stdout).toBe('stopped demo-lea\n');
    const after = JSON.parse((await run(['list', '--json'])).stdout) as ListRow[];
    expect(after.find((entry) => entry.identity === 'demo-lea')).toMatchObject({ state: 'stopped', pid: null });

    // Nothing was mistaken for a dead pane along the way.
    expect((await lifecycleLines(home)).filter((line) => line.includes('action=reaped-'))).toEqual([]);
  });
});
