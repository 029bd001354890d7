import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PeerRecord } from '../../../../src/registry/schema.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectError, expectOk, workDir } from '../../../helpers/fleet.js';

const home = useHome();

async function recordOf(personality: string): Promise<PeerRecord | undefined> {
  const registry = JSON.parse(await readFile(join(home.home, 'peers.json'), 'utf8')) as { peers: PeerRecord[] };
  return registry.peers.find((peer) => peer.personality === personality);
}

describe('add: an update keeps what it is not given', () => {
  it('runtimes included: `add fol --cwd <dir>` changes the directory only', async () => {
    const first = await workDir(home, 'first');
    const second = await workDir(home, 'second');
    const args = ['--cwd', first, '--description', 'follows up', '--idle-timeout', '60', '--initial-prompt', 'read TODO.md'];
    expectOk(await home.run(['add', 'fol', '--runtime', 'demo', 'claude', ...args]));
    const created = await recordOf('fol');

    const moved = await home.run(['add', 'fol', '--cwd', second]);
    expect(moved).toMatchObject({ code: 0, stdout: 'updated fol (demo, claude)\n', stderr: '' });
    expect(await recordOf('fol')).toEqual({ ...created, cwd: second, updatedAt: expect.any(String) as string });

    expectOk(await home.run(['add', 'fol', '--description', 'reviews']));
    expect(await recordOf('fol')).toMatchObject({ runtimes: ['demo', 'claude'], cwd: second, description: 'reviews', idleTimeoutSec: 60, initialPrompt: 'read TODO.md' });

    expectOk(await home.run(['add', 'fol', '--runtime', 'demo']));
    expect(await recordOf('fol')).toMatchObject({ runtimes: ['demo'], cwd: second, description: 'reviews' });
  });

  it('a new peer needs --runtime: exit 2 saying so, nothing written', async () => {
    const cwd = await workDir(home, 'ivan');
    for (const args of [['add', 'ivan'], ['add', 'ivan', '--cwd', cwd, '--description', 'new']]) {
      expectError(
        await home.run(args),
        2,
        'add',
        /^iapeer: add: --runtime is needed for a new peer: iapeer add ivan --runtime <runtime>… \(runtimes: claude, codex, demo\)$/,
      );
    }
    await expect(readFile(join(home.home, 'peers.json'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(home.home, 'logs', 'lifecycle.log'), 'utf8').catch(() => '')).toBe('');
  });
});
