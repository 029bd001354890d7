import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { expectError } from '../../../helpers/fleet.js';

const home = useHome();

describe('status with a peers.json that does not parse or validate', () => {
  it.each([
    ['not JSON', '{bad', /is invalid \(not JSON: /],
    ['not a registry', JSON.stringify({ version: 2, peers: [{ personality: 'Bad Name' }] }), /is invalid \(.*personality/],
  ])('%s: exit 1 naming the file and the problem; the daemon and the queue still shown; the file untouched', async (_, text, problem) => {
    const file = join(home.home, 'peers.json');
    await writeFile(file, text, { mode: 0o600 });
    const says = new RegExp(`^iapeer: status: ${file.replace(/[.]/g, '\\.')} ${problem.source}.*it was left untouched: fix it or move it aside$`);

    const plain = await home.run(['status']);
    expect(plain.code).toBe(1);
    expect(plain.stdout.split('\n')).toEqual([
      'daemon    not running (it never ran here): start it with iapeer daemon install, or iapeer daemon run',
      'peers     unknown',
      'queue     0 waiting, 0 set aside',
      '',
    ]);
    expect(plain.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(says)]);

    const json = await home.run(['status', '--json']);
    expectError({ ...json, stdout: '' }, 1, 'status', says);
    expect(JSON.parse(json.stdout)).toEqual({
      daemon: { state: 'not-running' },
      peers: { problem: expect.stringMatching(problem) as string },
      queue: { waiting: 0, setAside: 0 },
    });
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
