import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { expectError, expectOk, lifecycleLines, listJson, workDir } from '../../../helpers/fleet.js';

const home = useHome();

async function writeRuntimes(runtimes: Record<string, unknown>): Promise<void> {
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes }), { mode: 0o600 });
}

describe('iapeer <runtime> that cannot spawn', () => {
  it('a runtime whose command is not on PATH is refused and registers nothing', async () => {
    await writeRuntimes({ ghost: { fresh: ['iapeer-no-such-agent', '--go'] } });
    const cwd = await workDir(home, 'haunted');
    const result = await home.run(['ghost', '--detach'], { cwd });
    expectError(result, 1, 'ghost', /runtime ghost: command "iapeer-no-such-agent" is not on PATH; install it or define the runtime in /);
    expect(await listJson(home)).toEqual([]);
    expect((await lifecycleLines(home)).filter((line) => / ev=add /.test(line))).toEqual([]);
    expect(existsSync(join(home.home, 'state', 'ghost-haunted'))).toBe(false);
    // doctor has nothing to complain about: no peer uses the missing command.
    expectOk(await home.run(['doctor']));
  });

  it('a peer registered on another runtime keeps its record as it was', async () => {
    await writeRuntimes({ ghost: { fresh: ['iapeer-no-such-agent'] } });
    const cwd = await workDir(home, 'mixed');
    expectOk(await home.run(['add', 'mixed', '--runtime', 'demo', '--cwd', cwd]));
    expectError(await home.run(['ghost', '--detach'], { cwd }), 1, 'ghost', /not on PATH/);
    expect((await listJson(home)).map((row) => row.identity)).toEqual(['demo-mixed']);
    // A runtime that can spawn still launches there.
    const launched = await home.run(['demo', '--detach'], { cwd });
    expectOk(launched);
    expect(launched.stdout).toMatch(/^launched demo-mixed fresh/);
  });
});
