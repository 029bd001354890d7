import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { expectError, expectOk, lifecycleLines, listJson } from '../../../helpers/fleet.js';
import { addPeer, queuedFiles, sendJson } from '../../../fixtures/messages.js';

const home = useHome();

/** Moves a waiting message to set-aside/, as the queue does after too many failed attempts. */
async function setAside(identity: string, id: string): Promise<void> {
  const dir = join(home.home, 'queue', identity);
  const message = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Record<string, unknown>;
  await mkdir(join(dir, 'set-aside'), { mode: 0o700 });
  await writeFile(join(dir, 'set-aside', `${id}.json`), JSON.stringify({ ...message, setAsideReason: 'not-landed' }), { mode: 0o600 });
  await rm(join(dir, `${id}.json`));
}

describe('remove and the messages not delivered', () => {
  it('refuses while messages wait or are set aside, saying how many and where to see them; --force drops each on record', async () => {
    await addPeer(home, 'zed');
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await sendJson(home, ['zed', '--message', body, '--no-wake'])).id);
    await setAside('demo-zed', ids[2] as string);
    const before = await queuedFiles(home);
    expect(before).toHaveLength(3);

    const refused = await home.run(['remove', 'zed']);
    expectError(
      refused,
      1,
      'remove',
      /^iapeer: remove: zed has 3 messages \(2 waiting, 1 set aside\) not delivered; see them with: iapeer queue; to remove it and drop them: iapeer remove zed --force$/,
    );
    expect((await listJson(home)).map((row) => row.identity)).toEqual(['demo-zed']);
    expect(await queuedFiles(home)).toEqual(before);

    const removed = await home.run(['remove', 'zed', '--force']);
    expectOk(removed);
    expect(removed.stdout).toBe('removed zed (dropped 3 messages: 2 waiting, 1 set aside)\n');
    expect(await listJson(home)).toEqual([]);
    expect(await queuedFiles(home)).toEqual([]);
    expect(existsSync(join(home.home, 'queue', 'demo-zed'))).toBe(false);
    const dropped = (await lifecycleLines(home)).filter((line) => / ev=deliver identity=demo-zed id=\S+ reason=removed outcome=dropped confirmed=none$/.test(line));
    expect(dropped.map((line) => / id=(\S+)/.exec(line)?.[1])).toEqual(ids);
    const status = await home.run(['status']);
    expect(status.stdout).toMatch(/^queue {5}0 waiting, 0 set aside$/m);
  });

  it('a peer with nothing waiting is removed as before, and leaves no lock behind', async () => {
    await addPeer(home, 'amy');
    const removed = await home.run(['remove', 'amy']);
    expectOk(removed);
    expect(removed.stdout).toBe('removed amy\n');
    const state = await readdir(join(home.home, 'state')).catch(() => [] as string[]);
    expect(state.filter((name) => name.startsWith('demo-amy'))).toEqual([]);
  });

  it('takes the identity of a peer with one runtime; one runtime of several is refused, saying what to run', async () => {
    await addPeer(home, 'amy');
    const removed = await home.run(['remove', 'demo-amy']);
    expectOk(removed);
    expect(removed.stdout).toBe('removed amy\n');
    const cwd = join(home.home, 'work-two');
    await mkdir(cwd, { recursive: true });
    expectOk(await home.run(['add', 'two', '--runtime', 'demo', 'codex', '--cwd', cwd]));
    const refused = await home.run(['remove', 'codex-two']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'iapeer: remove: codex-two is one runtime of peer two (demo, codex): remove the peer with iapeer remove two, or keep only the others with iapeer add two --runtime demo\n',
    );
    expect((await listJson(home)).map((row) => row.identity)).toEqual(['demo-two', 'codex-two']);
  });
});
