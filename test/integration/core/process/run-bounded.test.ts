// runBounded with real processes: an argv never through a shell, stdin and stdout closed to it,
// stderr's last line kept, and a timeout or an abort that ends the command's whole group.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBounded } from '../../../../src/core/process/run-bounded.js';
import { waitFor } from '../../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { isRunning } from '../../../helpers/fleet.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-bounded-');
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

/** The pids a script wrote, one a line, once it wrote `count` of them. */
async function pidsIn(file: string, count: number): Promise<number[]> {
  const pids = await waitFor(
    () => {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      const found = text.split('\n').filter(Boolean).map(Number);
      return found.length >= count ? found : undefined;
    },
    `${count} pids in ${file}`,
    scaled(15_000),
  );
  started.push(...pids);
  return pids;
}

describe('runBounded', () => {
  it('an exit status with the last non-blank line of stderr; exit 0; a signal', async () => {
    expect(await runBounded({ argv: ['sh', '-c', 'echo first >&2; echo "  the last one  " >&2; echo >&2; exit 3'], env, timeoutMs: scaled(10_000) })).toEqual({
      kind: 'exited',
      code: 3,
      lastStderr: 'the last one',
    });
    expect(await runBounded({ argv: ['true'], env, timeoutMs: scaled(10_000) })).toEqual({ kind: 'exited', code: 0, lastStderr: undefined });
    expect(await runBounded({ argv: ['sh', '-c', 'kill -USR1 $$'], env, timeoutMs: scaled(10_000) })).toEqual({
      kind: 'signalled',
      signal: 'SIGUSR1',
      lastStderr: undefined,
    });
  });

  it('the argv as given, never a shell; its environment as given; stdin at its end; stdout not read, however much', async () => {
    const word = '$HOME; echo injected `id` "quoted"';
    const result = await runBounded({
      argv: ['sh', '-c', 'cat; head -c 4000000 /dev/zero; printf "%s|%s|%s\\n" "$1" "$ONLY" "${HOME-unset}" >&2', 'sh', word],
      env: { ...env, ONLY: 'this' },
      timeoutMs: scaled(20_000),
    });
    expect(result).toEqual({ kind: 'exited', code: 0, lastStderr: `${word}|this|unset` });
  });

  it('a command that cannot start says why', async () => {
    expect(await runBounded({ argv: ['iapeer-no-such-command'], env, timeoutMs: 1000 })).toMatchObject({ kind: 'spawn-error', code: 'ENOENT' });
    expect(await runBounded({ argv: [dir()], env, timeoutMs: 1000 })).toMatchObject({ kind: 'spawn-error', code: 'EACCES' });
  });

  it(
    'past the timeout, the whole group: TERM, then KILL for what ignores it',
    async () => {
      const pids = join(dir(), 'pids');
      const asked = Date.now();
      const running = runBounded({
        argv: ['sh', '-c', `trap '' TERM; echo $$ > ${pids}; sleep 300 & echo $! >> ${pids}; wait`],
        env,
        timeoutMs: 1500,
        killGraceMs: 500,
      });
      const [shell = 0, sleeper = 0] = await pidsIn(pids, 2);
      expect(isRunning(shell) && isRunning(sleeper)).toBe(true);
      expect(await running).toEqual({ kind: 'timed-out', afterMs: 1500 });
      expect(Date.now() - asked).toBeGreaterThanOrEqual(1500 + 500);
      await waitFor(() => !isRunning(shell) && !isRunning(sleeper), 'the group to be gone', scaled(10_000));
    },
    testTimeoutFor(30_000),
  );

  it(
    'a command that heeds TERM is not kept for the grace; an abort ends it at once',
    async () => {
      let asked = Date.now();
      expect(await runBounded({ argv: ['sleep', '300'], env, timeoutMs: 500, killGraceMs: 60_000 })).toEqual({ kind: 'timed-out', afterMs: 500 });
      expect(Date.now() - asked).toBeLessThan(scaled(10_000));

      const pids = join(dir(), 'pids');
      const stop = new AbortController();
      const running = runBounded({ argv: ['sh', '-c', `echo $$ > ${pids}; exec sleep 300`], env, timeoutMs: 60_000, signal: stop.signal });
      const [sleeper = 0] = await pidsIn(pids, 1);
      asked = Date.now();
      stop.abort();
      expect(await running).toEqual({ kind: 'aborted' });
      expect(Date.now() - asked).toBeLessThan(scaled(5_000));
      await waitFor(() => !isRunning(sleeper), 'the command to be gone', scaled(10_000));
      expect(await runBounded({ argv: ['true'], env, timeoutMs: 1000, signal: stop.signal })).toEqual({ kind: 'aborted' });
    },
    testTimeoutFor(30_000),
  );

  it(
    'a child left running with stderr open does not hold the result, and is left alone',
    async () => {
      const pids = join(dir(), 'pids');
      const asked = Date.now();
      const result = await runBounded({ argv: ['sh', '-c', `sleep 300 & echo $! > ${pids}; echo sent >&2`], env, timeoutMs: 60_000 });
      expect(result).toEqual({ kind: 'exited', code: 0, lastStderr: 'sent' });
      expect(Date.now() - asked).toBeLessThan(scaled(10_000));
      const [sleeper = 0] = await pidsIn(pids, 1);
      expect(isRunning(sleeper)).toBe(true);
    },
    testTimeoutFor(30_000),
  );
});
