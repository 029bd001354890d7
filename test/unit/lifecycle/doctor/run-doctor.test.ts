import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Check, DoctorReport } from '../../../../src/lifecycle/doctor/doctor-checks.js';
import { runDoctor } from '../../../../src/lifecycle/doctor/run-doctor.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const root = useTempDir('iapeer-doctor-');
const home = () => join(root(), 'home');

beforeEach(() => {
  mkdirSync(home(), { mode: 0o700 });
});

function envFor(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env['PATH'], IAPEER_HOME: home(), IAPEER_SOCK_DIR: join(home(), 'sock'), ...extra };
}

function doctor(extra: Record<string, string | undefined> = {}): Promise<DoctorReport> {
  return runDoctor({ env: envFor(extra), homeDir: root(), nodeBin: process.execPath });
}

function find(report: DoctorReport, name: string): Check {
  const check = report.checks.find((candidate) => candidate.name === name);
  if (!check) throw new Error(`no check ${name} in ${report.checks.map((candidate) => candidate.name).join(', ')}`);
  return check;
}

function peer(personality: string, runtimes: string[]): Record<string, unknown> {
  return {
    personality,
    runtimes,
    cwd: root(),
    description: '',
    alwaysOn: false,
    idleTimeoutSec: null,
    initialPrompt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function writeRegistry(peers: Array<Record<string, unknown>>): void {
  writeFileSync(join(home(), 'peers.json'), JSON.stringify({ version: 2, peers }), { mode: 0o600 });
}

/** A stand-in tmux: a script that prints `output` for -V and exits with `code`. */
function fakeTmux(output: string, code = 0): string {
  const path = join(root(), `tmux-${readdirSync(root()).length}`);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' '${output}'\nexit ${code}\n`, { mode: 0o755 });
  return path;
}

/** Every entry under a directory with its kind, mode, size and times: what "changed nothing" compares. */
function snapshot(dir: string): string[] {
  const entries: string[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path);
    entries.push(`${path} ${info.mode.toString(8)} ${info.size} ${info.mtimeMs} ${info.ctimeMs}`);
    if (info.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  walk(dir);
  return entries;
}

describe('runDoctor', () => {
  it('passes a healthy home, warning only that the daemon never ran', async () => {
    writeRegistry([peer('alice-the-long', ['demo'])]);
    const report = await doctor();
    expect(report.checks.map((check) => check.name)).toEqual([
      'environment',
      'tmux',
      'home',
      'socket dir',
      'registry',
      'socket paths',
      'runtimes.json',
      'runtime demo',
      'daemon',
      'logs',
    ]);
    expect(report.checks.filter((check) => check.status !== 'ok').map((check) => check.name)).toEqual(['daemon']);
    expect(report.ok).toBe(true);
    expect(find(report, 'registry').detail).toBe(`${home()}/peers.json: 1 peer`);
    expect(find(report, 'socket paths').detail).toContain(`longest: ${home()}/sock/demo-alice-the-long (`);
  });

  it('changes nothing: an absent home stays absent, an existing one untouched', async () => {
    rmSync(home(), { recursive: true });
    const report = await doctor();
    expect(find(report, 'home')).toMatchObject({ status: 'ok', detail: `${home()} is absent; iapeer creates it (mode 0700) when first needed` });
    expect(() => lstatSync(home())).toThrow();

    mkdirSync(join(home(), 'logs'), { recursive: true, mode: 0o700 });
    chmodSync(home(), 0o700);
    writeRegistry([peer('alice', ['demo']), peer('boris', ['claude'])]);
    writeFileSync(join(home(), 'runtimes.json'), '{"runtimes": {', { mode: 0o600 });
    writeFileSync(join(home(), 'daemon.json'), '{"pid": 1', { mode: 0o600 });
    const before = snapshot(home());
    await doctor({ IAPEER_IDLE_TIMEOUT_S: 'abc' });
    expect(snapshot(home())).toEqual(before);
  });

  it('reports an invalid variable as a failing check and goes on with the others', async () => {
    const report = await doctor({ IAPEER_IDLE_TIMEOUT_S: 'abc', IAPEER_LOG_LEVEL: 'loud', IAPEER_DEBUG: 'maybe' });
    expect(find(report, 'IAPEER_IDLE_TIMEOUT_S')).toMatchObject({
      status: 'fail',
      detail: 'IAPEER_IDLE_TIMEOUT_S: expected whole seconds from 0 (never) to 31536000, got "abc"',
    });
    expect(find(report, 'IAPEER_IDLE_TIMEOUT_S').fix).toContain('fix or unset IAPEER_IDLE_TIMEOUT_S');
    expect(find(report, 'IAPEER_LOG_LEVEL').status).toBe('fail');
    expect(find(report, 'IAPEER_DEBUG').detail).toBe('IAPEER_DEBUG: expected one of 1, true, yes, on, 0, false, no, off, got "maybe"');
    expect(find(report, 'home').status).toBe('ok');
    expect(find(report, 'registry').status).toBe('ok');
    expect(report.ok).toBe(false);
  });

  it('skips the home checks when IAPEER_HOME itself is invalid, and says so', async () => {
    const report = await doctor({ IAPEER_HOME: 'relative/home' });
    expect(find(report, 'IAPEER_HOME').status).toBe('fail');
    expect(find(report, 'IAPEER_HOME').fix).toContain('checks skipped until then: home, registry, runtimes, daemon, logs, socket dir, socket paths');
    expect(report.checks.map((check) => check.name)).toEqual(['IAPEER_HOME', 'tmux']);
  });

  it('fails when there is no home to default to', async () => {
    const report = await runDoctor({ env: envFor({ IAPEER_HOME: undefined }), homeDir: undefined, nodeBin: process.execPath });
    expect(find(report, 'IAPEER_HOME').detail).toContain('is unset and there is no home directory');
    expect(find(report, 'tmux').status).toBe('ok');
  });

  it('checks the tmux IAPEER_TMUX names: its version, or that it is missing', async () => {
    const old = find(await doctor({ IAPEER_TMUX: fakeTmux('tmux 3.1c') }), 'tmux');
    expect(old.status).toBe('fail');
    expect(old.detail).toMatch(/^tmux 3\.1c \(.*\) is older than 3\.2$/);
    expect(find(await doctor({ IAPEER_TMUX: fakeTmux('tmux next-3.5') }), 'tmux').status).toBe('ok');
    expect(find(await doctor({ IAPEER_TMUX: fakeTmux('tmux 3.3a', 1) }), 'tmux').status).toBe('fail');
    const missing = find(await doctor({ IAPEER_TMUX: join(root(), 'no-tmux') }), 'tmux');
    expect(missing.status).toBe('fail');
    expect(missing.fix).toContain('IAPEER_TMUX');
    expect(find(await doctor({ PATH: root() }), 'tmux').detail).toBe('tmux (searched on PATH) not found or not executable');
  });

  it('fails a home other users can write, with the chmod to run, and leaves its mode alone', async () => {
    chmodSync(home(), 0o777);
    const check = find(await doctor(), 'home');
    expect(check).toMatchObject({ status: 'fail', fix: `run: chmod 700 ${home()}` });
    expect(check.detail).toContain('writable by other users');
    expect(statSync(home()).mode & 0o777).toBe(0o777);
  });

  it('fails a socket directory other users can reach at all', async () => {
    mkdirSync(join(home(), 'sock'), { mode: 0o700 });
    chmodSync(join(home(), 'sock'), 0o750);
    expect(find(await doctor(), 'socket dir')).toMatchObject({ status: 'fail', fix: `run: chmod 700 ${home()}/sock` });
  });

  it('fails a socket path over the limit for the longest registered identity', async () => {
    writeRegistry([peer('a', ['demo']), peer('a-much-longer-peer-name', ['claude'])]);
    const sockDir = join(root(), 's'.repeat(Math.max(1, 90 - root().length)));
    const check = find(await doctor({ IAPEER_SOCK_DIR: sockDir }), 'socket paths');
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(`${sockDir}/claude-a-much-longer-peer-name`);
    expect(check.fix).toContain('IAPEER_SOCK_DIR');
  });

  it('fails a corrupt registry naming the problem, and never modifies it', async () => {
    const bad = '{"version": 2, "peers": [{"personality": "Bad Name"}]}';
    writeFileSync(join(home(), 'peers.json'), bad, { mode: 0o600 });
    const report = await doctor();
    const check = find(report, 'registry');
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(`${home()}/peers.json is invalid (peers.0.personality`);
    expect(check.fix).toContain('move it aside');
    expect(readFileSync(join(home(), 'peers.json'), 'utf8')).toBe(bad);
    expect(report.ok).toBe(false);
  });

  it('fails an invalid runtimes.json, and then only warns about the runtimes it would define', async () => {
    writeRegistry([peer('dave', ['mine'])]);
    writeFileSync(join(home(), 'runtimes.json'), '{"runtimes": {"mine": {"redy": "^> "}}}', { mode: 0o600 });
    const report = await doctor();
    expect(find(report, 'runtimes.json').status).toBe('fail');
    expect(find(report, 'runtime mine').status).toBe('warn');
  });

  it('fails a runtime whose command is not on PATH, and one that is not defined', async () => {
    writeRegistry([peer('alice', ['demo']), peer('boris', ['claude', 'mine']), peer('carol', ['other'])]);
    writeFileSync(join(home(), 'runtimes.json'), JSON.stringify({ runtimes: { mine: { fresh: ['iapeer-no-such-command'] } } }), { mode: 0o600 });
    const report = await doctor({ PATH: '/nonexistent' });
    expect(find(report, 'runtimes.json')).toMatchObject({ status: 'ok', detail: `${home()}/runtimes.json: valid, defines mine` });
    expect(find(report, 'runtime demo').status).toBe('ok');
    expect(find(report, 'runtime claude')).toMatchObject({ status: 'fail', detail: 'command "claude" (used by peer boris) is not on PATH' });
    expect(find(report, 'runtime mine').detail).toBe('command "iapeer-no-such-command" (used by peer boris) is not on PATH');
    expect(find(report, 'runtime other').detail).toContain('neither built in nor defined');
  });

  it('tells a daemon that runs from one that is gone', async () => {
    const state = { startedAt: new Date().toISOString(), version: '0.1.0', lastTickAt: new Date().toISOString(), tickMs: 1, ticks: 1, peers: {}, queue: 0 };
    writeFileSync(join(home(), 'daemon.json'), JSON.stringify({ ...state, pid: process.pid }), { mode: 0o600 });
    const running = find(await doctor(), 'daemon');
    expect(running.status).toBe('ok');
    expect(running.detail).toContain(`pid ${process.pid}`);
    writeFileSync(join(home(), 'daemon.json'), JSON.stringify({ ...state, pid: 2 ** 22 + 1 }), { mode: 0o600 });
    expect(find(await doctor(), 'daemon')).toMatchObject({ status: 'warn', fix: 'run iapeer daemon install (or iapeer daemon run in a terminal)' });
  });

  it('fails a log directory others can write and a log that is a symlink', async () => {
    mkdirSync(join(home(), 'logs'), { mode: 0o700 });
    chmodSync(join(home(), 'logs'), 0o777);
    expect(find(await doctor(), 'logs')).toMatchObject({ status: 'fail', fix: `run: chmod 700 ${home()}/logs` });
    chmodSync(join(home(), 'logs'), 0o700);
    writeFileSync(join(root(), 'target'), '');
    symlinkSync(join(root(), 'target'), join(home(), 'logs', 'lifecycle.log'));
    const link = find(await doctor(), 'logs');
    expect(link.status).toBe('fail');
    expect(link.detail).toContain('is a symlink');
  });

  it('fails a home that cannot be created', async () => {
    writeFileSync(join(root(), 'file'), '');
    const report = await doctor({ IAPEER_HOME: join(root(), 'file', 'home') });
    expect(find(report, 'home').status).toBe('fail');
    expect(report.ok).toBe(false);
  });
});
