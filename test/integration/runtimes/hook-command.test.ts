// The hook one-liner run as the agents run it (`/bin/sh -c` for Claude and the demo,
// `/bin/bash -c` for Codex), in the bare environment an agent may give it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommand } from '../../../src/runtimes/hook-command.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-hook-');
const BARE_ENV = { PATH: '/usr/bin:/bin' };
const PAYLOAD = '{"session_id":"0f6c3f0e-6a8b-4c1e-9d3a-2b7e5f1a9c44","hook_event_name":"Stop","cwd":"/tmp"}';
const SHELLS = ['/bin/sh', '/bin/bash'].filter((shell) => existsSync(shell));

let payloads = 0;

function run(shell: string, command: string, input: string) {
  const payload = join(dir(), `payload-${(payloads += 1)}`);
  writeFileSync(payload, input);
  // env -i: nothing of this process's environment (no HOME, no locale) reaches the hook. The
  // payload comes through a pipe as from the agents: bash given a socket as stdin (node's own
  // stdio pipes are socketpairs) would read ~/.bashrc as if started by rshd.
  const result = spawnSync(
    '/usr/bin/env',
    ['-i', ...Object.entries(BARE_ENV).map(([k, v]) => `${k}=${v}`), '/bin/sh', '-c', 'cat "$1" | "$2" -c "$3"', 'sh', payload, shell, command],
    { cwd: dir(), timeout: 20_000 },
  );
  rmSync(payload);
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe.each(SHELLS)('hookCommand run by %s', (shell) => {
  it('appends one line `<Kind> <secs> <payload>` per run, with or without a final newline on stdin', () => {
    const file = join(dir(), 'events');
    const before = Math.floor(Date.now() / 1000);
    expect(run(shell, hookCommand(file, 'Stop'), `${PAYLOAD}\n`)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(run(shell, hookCommand(file, 'UserPromptSubmit'), PAYLOAD)).toEqual({ status: 0, stdout: '', stderr: '' });
    const after = Math.floor(Date.now() / 1000);
    const written = lines(file);
    expect(written).toHaveLength(2);
    for (const [index, kind] of ['Stop', 'UserPromptSubmit'].entries()) {
      const match = /^(\S+) (\d+) (.*)$/.exec(written[index] ?? '');
      expect(match?.[1]).toBe(kind);
      expect(Number(match?.[2])).toBeGreaterThanOrEqual(before);
      expect(Number(match?.[2])).toBeLessThanOrEqual(after);
      expect(match?.[3]).toBe(PAYLOAD);
    }
  });

  it("writes to a path with spaces and a single quote", () => {
    const sub = join(dir(), "o'brien dir");
    mkdirSync(sub);
    const file = join(sub, 'events');
    expect(run(shell, hookCommand(file, 'Stop'), PAYLOAD).status).toBe(0);
    expect(lines(file)).toHaveLength(1);
  });

  it('cuts a 300 KiB payload at 8192 bytes, silently', () => {
    const file = join(dir(), 'events');
    const big = `{"prompt":"${'x'.repeat(300 * 1024)}"}`;
    expect(run(shell, hookCommand(file, 'UserPromptSubmit'), big)).toEqual({ status: 0, stdout: '', stderr: '' });
    const [line] = lines(file);
    const payload = (line ?? '').replace(/^UserPromptSubmit \d+ /, '');
    expect(Buffer.byteLength(payload)).toBe(8192);
    expect(big.startsWith(payload)).toBe(true);
  });

  it.each([
    ['the home gone', (root: string) => join(root, 'gone', 'state', 'events')],
    ['a read-only directory', (root: string) => {
      const ro = join(root, 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      return join(ro, 'events');
    }],
    ['a full disk', () => '/dev/full'],
    ['a directory in place of the file', (root: string) => {
      mkdirSync(join(root, 'events-dir'));
      return join(root, 'events-dir');
    }],
  ])('with %s: prints nothing and exits 0', (_label, target) => {
    const file = target(dir());
    expect(run(shell, hookCommand(file, 'Stop'), PAYLOAD)).toEqual({ status: 0, stdout: '', stderr: '' });
    if (file.includes('/ro/')) chmodSync(join(dir(), 'ro'), 0o700);
  });

  it('stops the file growing at its cap and still exits 0', () => {
    const file = join(dir(), 'events');
    // Past any shell's `ulimit -f 2048` (1 MiB in 512-byte blocks, 2 MiB in 1 KiB ones).
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 0x61));
    const size = statSync(file).size;
    for (let index = 0; index < 3; index += 1) {
      expect(run(shell, hookCommand(file, 'Stop'), PAYLOAD)).toEqual({ status: 0, stdout: '', stderr: '' });
    }
    expect(statSync(file).size).toBe(size);
    rmSync(file);
  });

  it('fills up to the cap, not past it', () => {
    const file = join(dir(), 'events');
    writeFileSync(file, Buffer.alloc(1024 * 1024 - 100, 0x61));
    const big = `{"prompt":"${'y'.repeat(8192)}"}`;
    let size = statSync(file).size;
    // Each run adds ~8 KiB until the cap, the 130th at most is past any shell's.
    for (let index = 0; index < 200; index += 1) {
      expect(run(shell, hookCommand(file, 'UserPromptSubmit'), big)).toEqual({ status: 0, stdout: '', stderr: '' });
      const now = statSync(file).size;
      if (now === size) break;
      size = now;
    }
    expect(size).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(size).toBeGreaterThan(1024 * 1024 - 100);
    expect(run(shell, hookCommand(file, 'Stop'), PAYLOAD)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(statSync(file).size).toBe(size);
  });
});
