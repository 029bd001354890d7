import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { expectError } from '../../../helpers/fleet.js';

const home = useHome();

describe('status counts in words of the right number', () => {
  it.each([
    [1, '(1 tick)'],
    [2, '(2 ticks)'],
  ])('%i tick(s) since the start', async (ticks, shown) => {
    const now = new Date().toISOString();
    // This test's own process stands for a running daemon.
    const state = { pid: process.pid, startedAt: now, version: '0.1.0', lastTickAt: now, tickMs: 3.5, ticks, peers: {}, queue: 0, stoppedAt: null };
    await writeFile(join(home.home, 'daemon.json'), JSON.stringify(state), { mode: 0o600 });
    const result = await home.run(['status']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const line = result.stdout.split('\n')[1] ?? '';
    expect(line).toMatch(/^last tick \d+s ago, took 3\.5 ms \(/);
    expect(line.endsWith(shown), line).toBe(true);
  });
});

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
