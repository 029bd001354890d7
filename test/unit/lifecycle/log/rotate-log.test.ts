import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotateLog } from '../../../../src/lifecycle/log/rotate-log.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-rotate-log-');

describe('rotateLog', () => {
  it('rotation leaves a symlinked log alone', async () => {
    const victim = join(dir(), 'victim');
    writeFileSync(victim, 'x'.repeat(10_000));
    const file = join(dir(), 'lifecycle.log');
    symlinkSync(victim, file);
    await rotateLog(file, { maxBytes: 4096, keep: 2 });
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(existsSync(`${file}.1`)).toBe(false);
    expect(readFileSync(victim, 'utf8')).toHaveLength(10_000);
  });
});
