import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';

let dir: string;
let dist: string;

beforeEach(async () => {
  // A private copy of the build, so that its cache is this test's alone.
  dir = await mkdtemp(join(tmpdir(), 'iap-cc-'));
  dist = join(dir, 'dist');
  await cp(join(REPO, 'dist'), dist, { recursive: true, filter: (source) => !source.includes('.compile-cache') });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env['PATH'] ?? '', HOME: dir, IAPEER_HOME: join(dir, 'home'), NO_COLOR: '1' });

function iapeer(args: string[]): string {
  return execFileSync(process.execPath, [join(dist, 'cli.cjs'), ...args], { encoding: 'utf8', env: env() });
}

/** A failing verb run from the dist at `at`, with the stack its error carries. */
function failingStop(at: string): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [join(at, 'cli.cjs'), 'stop', 'nobody'], { encoding: 'utf8', env: { ...env(), IAPEER_DEBUG: '1' } });
}

async function cacheFiles(): Promise<string[]> {
  return (await readdir(join(dist, '.compile-cache')).catch(() => [] as string[])).sort();
}

describe('the compile cache of the built CLI', () => {
  it('is written on first use, and corrupt data is rejected and rewritten', async () => {
    const first = iapeer(['list', '--json']);
    expect(JSON.parse(first)).toEqual([]);
    const files = await cacheFiles();
    expect(files.some((name) => name.startsWith('main.cjs.'))).toBe(true);
    expect(files.some((name) => name.startsWith('verbs_list.cjs.'))).toBe(true);

    for (const name of files) await writeFile(join(dist, '.compile-cache', name), 'not a V8 code cache');
    expect(iapeer(['list', '--json'])).toBe(first);
    for (const name of await cacheFiles()) {
      expect((await readFile(join(dist, '.compile-cache', name), 'utf8')).startsWith('not a V8')).toBe(false);
    }
    expect(iapeer(['list', '--json'])).toBe(first);
  });

  it('is skipped when it cannot be written', async () => {
    await writeFile(join(dist, '.compile-cache'), 'a file where the cache directory would go');
    expect(JSON.parse(iapeer(['list', '--json']))).toEqual([]);
    expect(iapeer(['--version'])).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('does not follow a copied dist: the copy runs, and its stacks name the copy, never the place it was copied from', async () => {
    expect(failingStop(dist).stderr).toContain(`${join(dist, 'verbs', 'stop.cjs')}:`);
    expect((await cacheFiles()).some((name) => name.startsWith('verbs_stop.cjs.'))).toBe(true);
    const copy = join(dir, 'copy', 'dist');
    // As `cp -a`, `tar` or `rsync -a` copy it: times kept to the nanosecond, so size and mtime match.
    await mkdir(dirname(copy));
    execFileSync('cp', ['-a', dist, copy]);

    expect(execFileSync(process.execPath, [join(copy, 'cli.cjs'), '--version'], { encoding: 'utf8', env: env() })).toMatch(/^\d+\.\d+\.\d+\n$/);
    const failed = failingStop(copy);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain(`${join(copy, 'verbs', 'stop.cjs')}:`);
    expect(failed.stderr).toContain(`${join(copy, 'main.cjs')}:`);
    expect(failed.stderr).not.toContain(`${dist}/`);
  });
});
