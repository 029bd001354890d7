// `iapeer doctor` on the built CLI: a healthy home, a broken one, and that it changes nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { expectOk, workDir } from '../../../helpers/fleet.js';

const home = useHome();

interface Report {
  ok: boolean;
  checks: Array<{ name: string; status: string; detail: string; fix?: string }>;
}

describe('iapeer doctor', () => {
  it('passes a working home with a live demo peer: one line per check, exit 0', async () => {
    expectOk(await home.run(['add', 'boris', '--runtime', 'demo', '--cwd', await workDir(home, 'boris')]));
    expectOk(await home.run(['start', 'boris']));
    const result = await home.run(['doctor']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('ok   environment: every iapeer variable that is set is valid');
    expect(lines).toContain(`ok   socket dir: ${home.sockDir} (mode 0700)`);
    expect(lines.find((text) => text.startsWith('ok   tmux: tmux '))).toBeDefined();
    expect(lines.find((text) => text.startsWith('ok   runtime demo: '))).toBeDefined();
    expect(lines.find((text) => text.startsWith('WARN daemon: '))).toContain('; to fix: run iapeer daemon install');
    expect(lines.at(-1)).toMatch(/^0 failures, 1 warning, \d+ ok$/);

    const json = await home.run(['doctor', '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toContain('socket paths');
    for (const check of report.checks) expect(['ok', 'warn', 'fail']).toContain(check.status);
  });

  it('fails a corrupt registry with exit 1, naming the problem, and leaves it as it was', async () => {
    const registry = join(home.home, 'peers.json');
    const corrupt = '{"version": 2, "peers": [';
    writeFileSync(registry, corrupt, { mode: 0o600 });
    const result = await home.run(['doctor']);
    expect(result.code).toBe(1);
    const line = result.stdout.split('\n').find((text) => text.startsWith('FAIL registry: '));
    expect(line).toContain(`${registry} is invalid (not JSON`);
    expect(line).toContain('; to fix: ');

    const json = await home.run(['doctor', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.ok).toBe(false);
    const check = report.checks.find((candidate) => candidate.name === 'registry');
    expect(check?.status).toBe('fail');
    expect(check?.fix).toContain('move it aside');
    expect(readFileSync(registry, 'utf8')).toBe(corrupt);
  });

  it('creates nothing: a home that does not exist yet is still absent afterwards', async () => {
    const absent = join(home.home, 'not-yet');
    const result = await home.run(['doctor'], { env: { IAPEER_HOME: absent, IAPEER_SOCK_DIR: join(absent, 'sock') } });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(`ok   home: ${absent} is absent; iapeer creates it (mode 0700) when first needed`);
    expect(existsSync(absent)).toBe(false);
  });

  it('fails a socket directory too long for the registered identities, naming IAPEER_SOCK_DIR', async () => {
    expectOk(await home.run(['add', 'a-peer-with-a-long-name', '--runtime', 'demo', '--cwd', await workDir(home, 'long')]));
    const sockDir = join(home.home, 's'.repeat(Math.max(1, 80 - home.home.length)));
    const result = await home.run(['doctor'], { env: { IAPEER_SOCK_DIR: sockDir } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`FAIL socket paths: ${sockDir}/demo-a-peer-with-a-long-name is `);
    expect(result.stdout).toContain('point IAPEER_SOCK_DIR at a shorter directory');
  });
});
