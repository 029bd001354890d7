// `npm run build` in a checkout of its own (a copy of the sources, sharing node_modules), so
// that the repository's dist, which the other tests run, is never rebuilt under them.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, realpath, rm, stat, symlink } from 'node:fs/promises';
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
}, testTimeoutFor(10_000));

afterAll(async () => {
  await rm(checkout, { recursive: true, force: true });
});

describe('the build', () => {
  it(
    'leaves the command and the demo agent executable, after a first build and a rebuild: they run as programs',
    async () => {
      for (const round of ['build', 'rebuild']) {
        await build();
        for (const program of ['cli.cjs', 'demo-agent.cjs']) {
          const { mode } = await stat(join(checkout, 'dist', program));
          expect(mode & 0o777, `${round}: ${program} mode ${(mode & 0o777).toString(8)}`).toBe(0o755);
        }
        // As the linked `iapeer` runs it: the file itself, through its #! line.
        const { stdout } = await run(join(checkout, 'dist', 'cli.cjs'), ['--version'], { env: env() });
        expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      }
    },
    testTimeoutFor(60_000),
  );
});
