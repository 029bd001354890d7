// `.ci/run` with stand-ins for npm, tmux and systemd-analyze first on PATH: each suite prints
// its own summary line and records it where the summary reporter would, then exits as told.
// Checks the closing line CI reads (one total of both suites), the exit status, and CI mode.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';

const FAKE_NPM = `#!/usr/bin/env bash
case "$*" in
  "ci --no-audit --no-fund") exit 0 ;;
  test) line="$FAKE_TEST_LINE"; code="$FAKE_TEST_EXIT" ;;
  "run test:agents") line="$FAKE_AGENTS_LINE"; code="$FAKE_AGENTS_EXIT" ;;
  *) echo "fake npm: unexpected: $*" >&2; exit 99 ;;
esac
echo "$* CI=\${CI:-}" >> "$FAKE_LOG"
echo "npm $*: output of the suite"
if [ -n "$line" ]; then
  printf '\\n%s\\n' "$line"
  if [ -n "\${IAPEER_TEST_TOTALS:-}" ]; then printf '%s\\n' "$line" >> "$IAPEER_TEST_TOTALS"; fi
fi
exit "$code"
`;

interface Suite {
  readonly line?: string;
  readonly exit?: number;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iapeer-ci-run-'));
  const stubs = { npm: FAKE_NPM, tmux: '#!/bin/sh\necho "tmux 3.4"\n', 'systemd-analyze': '#!/bin/sh\necho "systemd 255 (255.4-1)"\n' };
  for (const [name, text] of Object.entries(stubs)) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o755);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs .ci/run with stdout and stderr in one stream, as a CI log has them. */
async function ciRun(test: Suite, agents: Suite): Promise<{ code: number; lines: string[]; ran: string[] }> {
  const log = join(dir, 'npm.log');
  const env = {
    PATH: `${dir}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: dir,
    TMPDIR: dir,
    FAKE_LOG: log,
    FAKE_TEST_LINE: test.line ?? '',
    FAKE_TEST_EXIT: String(test.exit ?? 0),
    FAKE_AGENTS_LINE: agents.line ?? '',
    FAKE_AGENTS_EXIT: String(agents.exit ?? 0),
  };
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile('bash', ['-c', '"$0" 2>&1', join(REPO, '.ci', 'run')], { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout });
    });
  });
  const ran = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { code, lines: output.trimEnd().split('\n'), ran };
}

describe('.ci/run', () => {
  it('ends with one line totalling both suites, and exits 0 when both pass', async () => {
    const { code, lines, ran } = await ciRun({ line: '900 passed, 0 failed' }, { line: '8 passed, 0 failed' });
    expect(code, lines.join('\n')).toBe(0);
    expect(ran).toEqual(['test CI=true', 'run test:agents CI=true']);
    expect(lines.at(-1)).toBe('908 passed, 0 failed');
  });

  it('adds up skipped tests too', async () => {
    const { code, lines } = await ciRun({ line: '900 passed, 0 failed, 3 skipped' }, { line: '8 passed, 0 failed' });
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.at(-1)).toBe('908 passed, 0 failed, 3 skipped');
  });

  it('stops at a failing npm test (the agents suite does not run), exits non-zero, and still ends with the total', async () => {
    const { code, lines, ran } = await ciRun({ line: '897 passed, 3 failed', exit: 1 }, { line: '8 passed, 0 failed' });
    expect(code).not.toBe(0);
    expect(ran).toEqual(['test CI=true']);
    expect(lines.at(-1)).toBe('897 passed, 3 failed');
    expect(lines.join('\n')).toMatch(/npm test failed \(exit 1\)/);
  });

  it('fails when the agents suite fails, with its failures in the total', async () => {
    const { code, lines } = await ciRun({ line: '900 passed, 0 failed' }, { line: '6 passed, 2 failed', exit: 1 });
    expect(code).not.toBe(0);
    expect(lines.at(-1)).toBe('906 passed, 2 failed');
  });

  it('fails when a step fails before any test ran (a type error), and says which step', async () => {
    const { code, lines, ran } = await ciRun({ exit: 2 }, {});
    expect(code).not.toBe(0);
    expect(ran).toEqual(['test CI=true']);
    expect(lines.at(-1)).toBe('0 passed, 0 failed');
    expect(lines.join('\n')).toMatch(/npm test failed \(exit 2\)/);
  });

  it('fails when a suite exits 0 but recorded failures, or when no run was recorded at all', async () => {
    const failing = await ciRun({ line: '900 passed, 1 failed' }, { line: '8 passed, 0 failed' });
    expect(failing.code).not.toBe(0);
    expect(failing.lines.at(-1)).toBe('908 passed, 1 failed');
    const silent = await ciRun({}, {});
    expect(silent.code).not.toBe(0);
    expect(silent.lines.at(-1)).toBe('0 passed, 0 failed');
  });
});
