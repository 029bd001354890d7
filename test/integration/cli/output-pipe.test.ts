import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome();

it('a reader that goes away early (`iapeer list | head -1`) gets no stack trace', async () => {
  const now = new Date().toISOString();
  const peers = Array.from({ length: 600 }, (_, index) => ({
    personality: `peer${index}`,
    runtimes: ['demo', 'claude'],
    cwd: home.home,
    description: 'x'.repeat(200),
    alwaysOn: false,
    idleTimeoutSec: null,
    initialPrompt: null,
    createdAt: now,
    updatedAt: now,
  }));
  await writeFile(join(home.home, 'peers.json'), JSON.stringify({ version: 2, peers }));

  const child = spawn(process.execPath, [CLI, 'list'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // Like `head -1`: read the first chunk, then close the pipe.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});

it('every --json in a pipe is one document on one line', async () => {
  const cwd = join(home.home, 'work');
  await mkdir(cwd);
  expect((await home.run(['add', 'boris', '--runtime', 'demo', '--cwd', cwd])).code).toBe(0);
  const sent = await home.run(['send', 'boris', '--message', 'later', '--no-wake', '--json']);
  for (const args of [['list', '--json'], ['status', '--json'], ['queue', '--json'], ['log', '--json'], ['doctor', '--json']]) {
    const result = await home.run(args);
    const lines = result.stdout.split('\n');
    expect(lines, args.join(' ')).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(() => JSON.parse(lines[0] ?? '') as unknown, args.join(' ')).not.toThrow();
  }
  expect(sent.stdout).toMatch(/^\{"id":"[^"]+","target":"boris","identity":"demo-boris","outcome":"queued"\}\n$/);
});
