import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agentsToTest } from '../../agents/agent-homes.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-agents-guard-');
afterEach(() => {
  vi.restoreAllMocks();
});

function binDirWith(names: readonly string[]): string {
  const bin = join(dir(), 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  for (const name of names) {
    writeFileSync(join(bin, name), '#!/bin/sh\n');
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

describe('agentsToTest, the guard of the real-agents suite', () => {
  it('under CI, throws when the CLIs are missing instead of skipping, naming what is missing and where', () => {
    const bin = binDirWith(['claude']);
    for (const CI of ['true', '1']) expect(() => agentsToTest({ CI }, bin)).toThrow(new RegExp(`codex .*${bin.replace(/[.]/g, '\\.')}.*CI`));
    expect(() => agentsToTest({ CI: 'true', IAPEER_AGENTS_PREFIX: join(dir(), 'none') })).toThrow(/claude and codex/);
  });

  it('outside CI, skips with a message on stderr saying how to install them', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(agentsToTest({}, binDirWith([]))).toBe(false);
    expect(agentsToTest({ CI: 'false' }, binDirWith([]))).toBe(false);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/skipped: claude and codex not installed in .*scripts\/install-agents\.sh/);
  });

  it('runs the suite when both are installed and executable, CI or not', () => {
    const bin = binDirWith(['claude', 'codex']);
    expect(agentsToTest({ CI: 'true' }, bin)).toBe(true);
    expect(agentsToTest({}, bin)).toBe(true);
    chmodSync(join(bin, 'codex'), 0o644);
    expect(() => agentsToTest({ CI: 'true' }, bin)).toThrow(/codex/);
  });

  it('finds them under IAPEER_AGENTS_PREFIX, where scripts/install-agents.sh puts them', () => {
    binDirWith(['claude', 'codex']);
    expect(agentsToTest({ CI: 'true', IAPEER_AGENTS_PREFIX: dir() })).toBe(true);
  });
});
