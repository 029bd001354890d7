// `iapeer doctor` with an invalid environment: the bad variable is a failing check, the
// other checks still run. Needs doctor to be invoked before the environment is validated
// (doctorOnInput, declared in src/cli/program.ts).
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';

const home = useHome();

describe('iapeer doctor in a broken environment', () => {
  it('reports an invalid IAPEER_IDLE_TIMEOUT_S as a failing check (exit 1), not a usage error', async () => {
    const result = await home.run(['doctor'], { env: { IAPEER_IDLE_TIMEOUT_S: 'abc' } });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'FAIL IAPEER_IDLE_TIMEOUT_S: IAPEER_IDLE_TIMEOUT_S: expected whole seconds from 0 (never) to 31536000, got "abc"; to fix: fix or unset IAPEER_IDLE_TIMEOUT_S, then run iapeer doctor again',
    );
    expect(lines).toContain(`ok   home: ${home.home} (mode 0700)`);
  });

  it('still runs the checks that need no home when IAPEER_HOME is invalid', async () => {
    const result = await home.run(['doctor', '--json'], { env: { IAPEER_HOME: 'relative' } });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
    expect(report.checks.map((check) => [check.name, check.status])).toEqual([
      ['IAPEER_HOME', 'fail'],
      ['tmux', 'ok'],
    ]);
  });
});
