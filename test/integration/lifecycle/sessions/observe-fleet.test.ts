// list, through the built CLI: the messages waiting for each identity, as a column and a field.
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listJson } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, sendJson } from '../../../fixtures/messages.js';

describe('list', () => {
  const home = useHome();

  it('shows the messages waiting per identity; set-aside ones are not waiting', async () => {
    await addPeer(home, 'ann');
    await addPeer(home, 'ben');
    await addPeer(home, 'cal');
    const sent = [];
    for (const target of ['ann', 'ann', 'ann', 'ben']) sent.push(await sendJson(home, [target, '--message', 'later', '--no-wake']));
    const aside = join(home.home, 'queue', 'demo-ann', 'set-aside');
    await mkdir(aside, { recursive: true });
    await rename(join(home.home, 'queue', 'demo-ann', `${sent[0]?.id}.json`), join(aside, `${sent[0]?.id}.json`));

    const rows = await listJson(home);
    expect(rows.map((row) => [row.identity, row.waiting])).toEqual([
      ['demo-ann', 2],
      ['demo-ben', 1],
      ['demo-cal', 0],
    ]);
    const text = await home.run(['list']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n').slice(0, 4).map((line) => line.split(/\s+/).slice(0, 6))).toEqual([
      ['PEER', 'RUNTIME', 'STATE', 'ACTIVITY', 'IDLE', 'WAITING'],
      ['ann', 'demo', 'down', '-', '-', '2'],
      ['ben', 'demo', 'down', '-', '-', '1'],
      ['cal', 'demo', 'down', '-', '-', '-'],
    ]);
  });
});
