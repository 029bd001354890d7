import { describe, expect, it } from 'vitest';
import type { DaemonState } from '../../../../src/lifecycle/supervise/daemon-state.js';
import {
  daemonCheck,
  doctorReport,
  environmentChecks,
  fromMessage,
  ok,
  parseTmuxVersion,
  problem,
  runtimeChecks,
  socketPathsCheck,
  tmuxCheck,
} from '../../../../src/lifecycle/doctor/doctor-checks.js';

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', { kind: 'release', major: 3, minor: 3 }],
    ['tmux 3.2\n', { kind: 'release', major: 3, minor: 2 }],
    ['tmux 3.1c', { kind: 'release', major: 3, minor: 1 }],
    ['tmux 2.9', { kind: 'release', major: 2, minor: 9 }],
    ['tmux 10.0', { kind: 'release', major: 10, minor: 0 }],
    ['tmux next-3.5', { kind: 'release', major: 3, minor: 5 }],
    ['tmux 3.4-rc', { kind: 'release', major: 3, minor: 4 }],
    ['tmux master', { kind: 'development' }],
  ])('%j', (output, version) => {
    expect(parseTmuxVersion(output)).toEqual(version);
  });

  it.each(['', 'tmux', 'screen 4.09', 'tmux openbsd-7.5', 'tmux: unknown option -- V'])('cannot tell from %j', (output) => {
    expect(parseTmuxVersion(output)).toBeUndefined();
  });
});

describe('tmuxCheck', () => {
  const found = { found: true as const, bin: 'tmux', path: '/usr/bin/tmux' };

  it('passes 3.2 and later, and a development build', () => {
    expect(tmuxCheck({ ...found, output: 'tmux 3.2\n' })).toEqual(ok('tmux', 'tmux 3.2 (/usr/bin/tmux)'));
    expect(tmuxCheck({ ...found, output: 'tmux next-3.5' }).status).toBe('ok');
    expect(tmuxCheck({ ...found, output: 'tmux master' }).detail).toContain('development build');
  });

  it('fails an older tmux, saying what to install', () => {
    const check = tmuxCheck({ ...found, output: 'tmux 3.1c' });
    expect(check.status).toBe('fail');
    expect(check.detail).toBe('tmux 3.1c (/usr/bin/tmux) is older than 3.2');
    expect(check.fix).toContain('install tmux 3.2 or later');
    expect(check.fix).toContain('IAPEER_TMUX');
  });

  it('fails a tmux not found, or one that cannot say its version', () => {
    expect(tmuxCheck({ found: false, bin: 'tmux' })).toMatchObject({ status: 'fail', detail: 'tmux (searched on PATH) not found or not executable' });
    expect(tmuxCheck({ found: false, bin: '/opt/tmux' }).detail).toBe('/opt/tmux not found or not executable');
    expect(tmuxCheck({ ...found, output: '', error: 'segfault' })).toMatchObject({ status: 'fail', detail: '/usr/bin/tmux -V failed: segfault' });
  });

  it('warns when the version cannot be read', () => {
    const check = tmuxCheck({ ...found, output: 'tmux openbsd-7.5' });
    expect(check.status).toBe('warn');
    expect(check.detail).toContain('"tmux openbsd-7.5"');
    expect(check.fix).toContain('3.2 or later');
  });
});

describe('socketPathsCheck', () => {
  it('reports the longest path and how long an identity may be', () => {
    const check = socketPathsCheck('/tmp/s', ['demo-a', 'claude-boris'], '/tmp/s/daemon.sock');
    expect(check).toEqual(ok('socket paths', 'longest: /tmp/s/claude-boris (19 of 100 bytes); identities up to 93 characters fit'));
  });

  it('counts the daemon socket when there is no peer', () => {
    expect(socketPathsCheck('/tmp/s', [], '/tmp/s/daemon.sock').detail).toMatch(/^no peer yet; longest: \/tmp\/s\/daemon\.sock \(18 of 100 bytes\)/);
  });

  it('fails a path over 100 bytes, naming the variable to change', () => {
    const dir = `/tmp/${'d'.repeat(80)}`;
    const check = socketPathsCheck(dir, ['demo-a', 'claude-a-rather-long-name'], `${dir}/daemon.sock`);
    expect(check.status).toBe('fail');
    expect(check.detail).toBe(`${dir}/claude-a-rather-long-name is 111 bytes, over the 100-byte limit of unix sockets`);
    expect(check.fix).toContain('IAPEER_SOCK_DIR');
  });

  it('allows exactly 100 bytes', () => {
    const dir = `/${'d'.repeat(92)}`;
    expect(socketPathsCheck(dir, ['demo-ab'], `${dir}/daemon.sock`).status).toBe('fail');
    expect(socketPathsCheck(dir, ['demo-a'], `/x/daemon.sock`).status).toBe('ok');
  });
});

describe('runtimeChecks', () => {
  it('one check per runtime used: found, missing, undefined', () => {
    const checks = runtimeChecks(
      [
        { runtime: 'demo', peers: ['alice'], commands: ['/usr/bin/node'], missing: [] },
        { runtime: 'claude', peers: ['boris', 'carol'], commands: ['claude'], missing: ['claude'] },
        { runtime: 'mine', peers: ['dave'], commands: undefined, missing: [] },
      ],
      '/h/runtimes.json',
      true,
    );
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ['runtime demo', 'ok'],
      ['runtime claude', 'fail'],
      ['runtime mine', 'fail'],
    ]);
    expect(checks[1]?.detail).toBe('command "claude" (used by peers boris, carol) is not on PATH');
    expect(checks[1]?.fix).toContain('/h/runtimes.json');
    expect(checks[2]?.detail).toBe('peer dave uses runtime mine, which is neither built in nor defined in /h/runtimes.json');
  });

  it('only warns about an undefined runtime while runtimes.json is invalid', () => {
    const [check] = runtimeChecks([{ runtime: 'mine', peers: ['dave'], commands: undefined, missing: [] }], '/h/runtimes.json', false);
    expect(check?.status).toBe('warn');
  });

  it('says so when no peer uses a runtime', () => {
    expect(runtimeChecks([], '/h/runtimes.json', true)).toEqual([ok('runtimes', 'no peer uses a runtime yet')]);
  });
});

describe('daemonCheck', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  const state: DaemonState = {
    pid: 4242,
    startedAt: '2026-03-10T10:00:00.000Z',
    version: '0.1.0',
    lastTickAt: '2026-03-10T11:59:55.000Z',
    tickMs: 3,
    ticks: 100,
    peers: {},
    queue: 0,
    stoppedAt: null,
  };

  it('warns when it never ran or is gone, saying how to start it', () => {
    for (const check of [daemonCheck({ kind: 'never-ran' }, now, 10_000, '/h/daemon.json'), daemonCheck({ kind: 'stale', state }, now, 10_000, '/h/daemon.json')]) {
      expect(check.status).toBe('warn');
      expect(check.fix).toBe('run iapeer daemon install (or iapeer daemon run in a terminal)');
    }
    expect(daemonCheck({ kind: 'stale', state }, now, 10_000, '/h/daemon.json').detail).toContain('pid 4242');
  });

  it('warns about a daemon that stopped cleanly, saying when, not that it was killed', () => {
    const check = daemonCheck({ kind: 'stopped', state: { ...state, stoppedAt: '2026-03-10T11:58:00.000Z' } }, now, 10_000, '/h/daemon.json');
    expect(check).toMatchObject({ status: 'warn', detail: 'not running: stopped cleanly at 2026-03-10T11:58:00.000Z (2m ago, pid 4242)' });
    expect(check.fix).toBe('run iapeer daemon install (or iapeer daemon run in a terminal)');
  });

  it('passes a daemon that ticks', () => {
    expect(daemonCheck({ kind: 'running', state }, now, 10_000, '/h/daemon.json')).toEqual(ok('daemon', 'running (pid 4242, version 0.1.0, last tick 5s ago)'));
  });

  it('warns about a daemon that runs but stopped ticking', () => {
    const stuck = daemonCheck({ kind: 'running', state: { ...state, lastTickAt: '2026-03-10T11:50:00.000Z' } }, now, 10_000, '/h/daemon.json');
    expect(stuck).toMatchObject({ status: 'warn', detail: 'pid 4242 runs but last ticked 10m ago' });
    const never = daemonCheck({ kind: 'running', state: { ...state, lastTickAt: null } }, now, 10_000, '/h/daemon.json');
    expect(never.detail).toBe('pid 4242 runs but has not ticked since it started 2h ago');
  });

  it('warns about an unreadable state file, saying to move it aside', () => {
    const check = daemonCheck({ kind: 'unreadable', problem: '/h/daemon.json is not JSON' }, now, 10_000, '/h/daemon.json');
    expect(check.status).toBe('warn');
    expect(check.fix).toContain('move /h/daemon.json aside');
  });
});

describe('fromMessage', () => {
  it('splits iapeer’s message into the problem and, after the last "; ", what to do', () => {
    expect(fromMessage('registry', 'fail', '/h/peers.json is invalid (peers.0.cwd: bad; peers.1: bad); it was left untouched: fix it or move it aside', 'x')).toEqual(
      problem('registry', 'fail', '/h/peers.json is invalid (peers.0.cwd: bad; peers.1: bad)', 'it was left untouched: fix it or move it aside'),
    );
    expect(fromMessage('home', 'fail', 'cannot be checked (EIO)', 'move it')).toEqual(problem('home', 'fail', 'cannot be checked (EIO)', 'move it'));
  });
});

describe('environmentChecks and doctorReport', () => {
  it('one ok check when every variable is valid', () => {
    expect(environmentChecks([], [])).toEqual([ok('environment', 'every iapeer variable that is set is valid')]);
  });

  it('one failing check per bad variable, naming what was skipped', () => {
    const checks = environmentChecks([{ variable: 'IAPEER_HOME', message: 'IAPEER_HOME: expected an absolute path, got "x"' }], ['home', 'registry']);
    expect(checks).toEqual([
      problem('IAPEER_HOME', 'fail', 'IAPEER_HOME: expected an absolute path, got "x"', 'fix or unset IAPEER_HOME, then run iapeer doctor again (checks skipped until then: home, registry)'),
    ]);
  });

  it('is ok unless a check failed (warnings included)', () => {
    expect(doctorReport([ok('a', 'x'), problem('b', 'warn', 'y', 'z')]).ok).toBe(true);
    expect(doctorReport([ok('a', 'x'), problem('b', 'fail', 'y', 'z')]).ok).toBe(false);
  });
});
