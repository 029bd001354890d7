import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { doctorOnInput } from '../../../../src/cli/commands/doctor.js';
import type { DoctorReport } from '../../../../src/lifecycle/doctor/doctor-checks.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const root = useTempDir('iapeer-doctor-verb-');
const home = () => join(root(), 'home');

beforeEach(() => {
  mkdirSync(home(), { mode: 0o700 });
});

function envFor(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env['PATH'], IAPEER_HOME: home(), IAPEER_SOCK_DIR: join(home(), 'sock'), ...extra };
}

describe('doctorOnInput (the verb before the environment is validated)', () => {
  async function run(env: Record<string, string | undefined>, json: boolean): Promise<{ code: number; out: string }> {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const code = await doctorOnInput(
      { json },
      { env, cwd: root(), homeDir: root(), nodeBin: process.execPath, stdout, stderr: new PassThrough(), stdinIsTTY: () => false, verb: 'doctor' },
    );
    return { code, out: Buffer.concat(chunks).toString('utf8') };
  }

  it('prints one line per check with its mark and fix, and exits 1 on a failure', async () => {
    const { code, out } = await run(envFor({ IAPEER_IDLE_TIMEOUT_S: 'abc' }), false);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'FAIL IAPEER_IDLE_TIMEOUT_S: IAPEER_IDLE_TIMEOUT_S: expected whole seconds from 0 (never) to 31536000, got "abc"; to fix: fix or unset IAPEER_IDLE_TIMEOUT_S, then run iapeer doctor again',
    );
    expect(lines).toContain(`ok   home: ${home()} (mode 0700)`);
    expect(lines.find((line) => line.startsWith('WARN daemon: '))).toContain('; to fix: run iapeer daemon install');
    expect(lines.at(-1)).toMatch(/^1 failure, 1 warning, \d+ ok$/);
  });

  it('prints {ok, checks} as JSON and exits 0 when only warnings', async () => {
    const { code, out } = await run(envFor(), true);
    expect(code).toBe(0);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.ok).toBe(true);
    const daemon = report.checks.find((check) => check.name === 'daemon');
    expect(daemon?.status).toBe('warn');
    expect(daemon?.fix).toContain('iapeer daemon install');
    expect(report.checks.find((check) => check.name === 'home')).not.toHaveProperty('fix');
  });
});
