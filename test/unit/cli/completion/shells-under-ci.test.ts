// The zsh and fish completion tests run wherever the shell is installed, and under CI always:
// there a missing shell fails them rather than skipping them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { shellToTest } from '../../../helpers/completion.js';

const bin = mkdtempSync(join(tmpdir(), 'iapeer-shells-'));
writeFileSync(join(bin, 'fish'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(bin, 'zsh'), 'not executable\n', { mode: 0o644 });
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('shellToTest', () => {
  it('runs the tests of a shell on PATH, under CI or not', () => {
    expect(shellToTest('fish', { PATH: `/nonexistent:${bin}` })).toBe(true);
    expect(shellToTest('fish', { PATH: bin, CI: 'true' })).toBe(true);
  });

  it('under CI, fails on a shell that is missing (or not executable)', () => {
    for (const CI of ['true', '1', 'yes']) {
      expect(() => shellToTest('zsh', { PATH: bin, CI })).toThrow(/zsh must be tested under CI, not skipped: it is not on PATH/);
    }
  });

  it('elsewhere skips them, saying so on stderr', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const CI of [undefined, '', '0', 'false']) {
        expect(shellToTest('zsh', CI === undefined ? { PATH: bin } : { PATH: bin, CI })).toBe(false);
      }
      expect(write).toHaveBeenCalledWith('zsh completion tests skipped: zsh is not installed\n');
    } finally {
      write.mockRestore();
    }
  });
});
