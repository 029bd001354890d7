// `stop` ends the pane's whole process tree: a child that left the agent's session and
// process group with setsid, and a grandchild, are gone afterwards too.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../../src/core/process/process.js';
import { REPO, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectOk, isRunning, serverUp, socketExists, workDir } from '../../../helpers/fleet.js';

const home = useHome();
const strays: number[] = [];

afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});


function pidIn(cwd: string, name: string): number | undefined {
  const text = existsSync(join(cwd, name)) ? readFileSync(join(cwd, name), 'utf8').trim() : '';
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

describe('stop ends the process tree', () => {
  it.skipIf(!existsSync('/proc/self/stat'))('leaves no setsid child and no grandchild behind, cycle after cycle', async () => {
    expect(await findExecutable('setsid', process.env.PATH)).toBeDefined();
    const cwd = await workDir(home, 'forky');
    await writeFile(
      join(home.home, 'runtimes.json'),
      JSON.stringify({ runtimes: { forky: { fresh: ['sh', join(REPO, 'test', 'fixtures', 'forking-agent.sh')], ready: '^ready>' } } }),
    );
    expectOk(await home.run(['add', 'forky', '--runtime', 'forky', '--cwd', cwd]));

    for (let cycle = 0; cycle < 3; cycle++) {
      expectOk(await home.run(['start', 'forky']));
      const pids = await waitFor(() => {
        const found = ['setsid.pid', 'child.pid', 'grandchild.pid'].map((name) => pidIn(cwd, name));
        return found.every((pid) => pid !== undefined && isRunning(pid)) ? (found as number[]) : undefined;
      }, 'the agent to start its children');
      strays.push(...pids);

      expectOk(await home.run(['stop', 'forky']));
      await waitFor(() => pids.every((pid) => !isRunning(pid)), `pids ${pids.join(' ')} to be gone after stop (cycle ${cycle})`);
      expect(serverUp(home, 'forky-forky')).toBe(false);
      expect(socketExists(home, 'forky-forky')).toBe(false);
      for (const name of ['setsid.pid', 'child.pid', 'grandchild.pid']) await writeFile(join(cwd, name), '');
    }
  });
});
