// The summary reporter in a real vitest run over sample files (test/fixtures/summary): its closing
// line, the counts it appends for .ci/run, and failures outside a test (a file or a setup hook).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { scaled } from '../../helpers/deadline.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iapeer-summary-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function vitestOnSamples(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'IAPEER_TEST_TOTALS' && key !== 'NODE_OPTIONS'));
  const args = [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(REPO, 'test', 'fixtures', 'summary', 'vitest.config.ts')];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: REPO, env: { ...inherited, ...env }, encoding: 'utf8', timeout: scaled(60_000) }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout });
    });
  });
}

it(
  'counts a file that fails to collect and a failed setup hook as failures, and appends its line to IAPEER_TEST_TOTALS',
  async () => {
    const totals = join(dir, 'totals');
    await writeFile(totals, '5 passed, 0 failed\n');
    const { code, stdout } = await vitestOnSamples({ IAPEER_TEST_TOTALS: totals });
    expect(code).toBe(1);
    // mixed: 2 passed, 1 failed, 1 skipped; broken: its guard threw; hook: its beforeAll threw (its test skipped).
    const line = '2 passed, 3 failed, 2 skipped';
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(line);
    expect(await readFile(totals, 'utf8')).toBe(`5 passed, 0 failed\n${line}\n`);
  },
  scaled(90_000),
);
