// `npm run build` in a checkout of its own (a copy of the sources, sharing node_modules), so
// that the repository's dist, which the other tests run, is never rebuilt under them.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, realpath, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { testTimeoutFor } from '../../helpers/deadline.js';

const run = promisify(execFile);
let checkout: string;

const env = () => ({ PATH: [dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter), HOME: checkout, IAPEER_HOME: join(checkout, 'home') });

async function build(): Promise<void> {
  await run(process.execPath, [join(checkout, 'scripts', 'build.mjs')], { cwd: checkout, env: env() });
}

beforeAll(async () => {
  checkout = await realpath(await mkdtemp(join(tmpdir(), 'iap-build-')));
  for (const entry of ['package.json', 'README.md', 'tsconfig.json', 'src', 'scripts']) await cp(join(REPO, entry), join(checkout, entry), { recursive: true });
  await symlink(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
  await build();
}, testTimeoutFor(30_000));

afterAll(async () => {
  await rm(checkout, { recursive: true, force: true });
});

describe('the build', () => {
  it(
    'leaves the command and the demo agent executable, after a first build and a rebuild: they run as programs',
    async () => {
      for (const round of ['build', 'rebuild']) {
        if (round === 'rebuild') await build();
        for (const program of ['cli.cjs', 'demo-agent.cjs']) {
          const { mode } = await stat(join(checkout, 'dist', program));
          expect(mode & 0o777, `${round}: ${program} mode ${(mode & 0o777).toString(8)}`).toBe(0o755);
        }
        // As the linked `iapeer` runs it: the file itself, through its #! line.
        const { stdout } = await run(join(checkout, 'dist', 'cli.cjs'), ['--version'], { env: env() });
        expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      }
    },
    testTimeoutFor(30_000),
  );

  it(
    'is packed without the compile cache that running it wrote',
    async () => {
      await run(join(checkout, 'dist', 'cli.cjs'), ['list'], { env: env() });
      expect((await readdir(join(checkout, 'dist', '.compile-cache'))).length).toBeGreaterThan(0);
      const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: checkout, env: env() });
      const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
      const files = pack?.files.map((file) => file.path) ?? [];
      expect(files).toContain('dist/cli.cjs');
      expect(files.filter((path) => path.includes('.compile-cache'))).toEqual([]);
    },
    testTimeoutFor(30_000),
  );
});
