import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LifecycleLog } from '../../../../src/lifecycle/log/lifecycle-log.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-lifecycle-log-');

describe('the lifecycle log', () => {
  const event = { ev: 'stop', identity: 'demo-ada', was: 'down' } as const;

  function logAt(file: string, errors: unknown[], maxBytes = 1 << 20): LifecycleLog {
    return new LifecycleLog(file, { maxBytes, keep: 2, onError: (error) => errors.push(error) });
  }

  it('does not write through a symlinked log or log directory; the failure is reported, not thrown', async () => {
    const victim = join(dir(), 'victim');
    writeFileSync(victim, 'precious\n');
    mkdirSync(join(dir(), 'logs'), { mode: 0o700 });
    symlinkSync(victim, join(dir(), 'logs', 'lifecycle.log'));
    const errors: unknown[] = [];
    await logAt(join(dir(), 'logs', 'lifecycle.log'), errors).write(event);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');

    const elsewhere = join(dir(), 'elsewhere');
    mkdirSync(elsewhere);
    chmodSync(elsewhere, 0o700);
    symlinkSync(elsewhere, join(dir(), 'linked-logs'));
    await logAt(join(dir(), 'linked-logs', 'lifecycle.log'), errors).write(event);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(errors.map((error) => (error as Error).message)).toEqual([
      expect.stringMatching(/lifecycle log .* is a symlink/),
      expect.stringMatching(/log directory .*linked-logs is a symlink/),
    ]);
  });

  it('does not wait on a FIFO log', async () => {
    mkdirSync(join(dir(), 'logs'), { mode: 0o700 });
    execFileSync('mkfifo', [join(dir(), 'logs', 'lifecycle.log')]);
    const errors: unknown[] = [];
    await logAt(join(dir(), 'logs', 'lifecycle.log'), errors).write(event);
    expect((errors[0] as Error).message).toMatch(/lifecycle log .* is a fifo/);
  });
});
