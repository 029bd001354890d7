import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../src/core/errors.js';
import type { ExecResult, ServiceExec } from '../../../../src/transport/services/service-exec.js';
import { serviceNames } from '../../../../src/transport/services/service-files.js';
import { LaunchdManager, SystemdManager, defaultTarget } from '../../../../src/transport/services/service-manager.js';

const OK: ExecResult = { exitCode: 0, stdout: '', stderr: '', missing: false };

/** An answer to commands matching a pattern; `times` limits how often it is given (then exit 0). */
type Answer = [pattern: RegExp, answer: Partial<ExecResult>, times?: number];

/** An exec seam that records every argv and answers from a script (first match wins), else exit 0. */
function scripted(answers: Answer[] = []): { exec: ServiceExec; calls: string[][] } {
  const calls: string[][] = [];
  const used = new Map<Answer, number>();
  const exec: ServiceExec = (file, args) => {
    const argv = [file, ...args];
    calls.push(argv);
    const line = argv.join(' ');
    const found = answers.find((answer) => answer[0].test(line) && (answer[2] === undefined || (used.get(answer) ?? 0) < answer[2]));
    if (found === undefined) return Promise.resolve(OK);
    used.set(found, (used.get(found) ?? 0) + 1);
    return Promise.resolve({ ...OK, ...found[1] });
  };
  return { exec, calls };
}

const DAEMON = serviceNames({ kind: 'daemon' }, undefined);
const PEER = serviceNames({ kind: 'peer', identity: 'demo-boris' }, 'abcd1234');
const UNIT_FILE = '/home/ana/.config/systemd/user/iapeer-daemon.service';
const PLIST = '/Users/ana/Library/LaunchAgents/dev.iapeer.peer.demo-boris.abcd1234.plist';

describe('SystemdManager', () => {
  it('reloads, clears a start limit, and enables with --now a new or unchanged unit', async () => {
    for (const written of ['new', 'same'] as const) {
      const { exec, calls } = scripted([[/reset-failed/, { exitCode: 1, stderr: 'Unit iapeer-daemon.service not loaded.' }]]);
      const ran = await new SystemdManager({ exec, uid: 1000 }).start(DAEMON, UNIT_FILE, written);
      expect(calls).toEqual([
        ['systemctl', '--user', 'daemon-reload'],
        ['systemctl', '--user', 'reset-failed', 'iapeer-daemon.service'],
        ['systemctl', '--user', 'enable', '--now', 'iapeer-daemon.service'],
      ]);
      expect(ran).toEqual([
        'systemctl --user daemon-reload',
        'systemctl --user reset-failed iapeer-daemon.service',
        'systemctl --user enable --now iapeer-daemon.service',
      ]);
    }
  });

  it('restarts a running service whose file was replaced', async () => {
    const { exec, calls } = scripted();
    await new SystemdManager({ exec, uid: 1000 }).start(DAEMON, UNIT_FILE, 'changed');
    expect(calls.slice(2)).toEqual([
      ['systemctl', '--user', 'enable', 'iapeer-daemon.service'],
      ['systemctl', '--user', 'restart', 'iapeer-daemon.service'],
    ]);
  });

  it('plans exactly what start runs for the file as it is, and runs nothing to plan', async () => {
    for (const written of ['new', 'same', 'changed'] as const) {
      const planner = scripted();
      const steps = await new SystemdManager({ exec: planner.exec, uid: 1000 }).planStart(DAEMON, UNIT_FILE, written);
      expect(planner.calls).toEqual([]);
      const runner = scripted();
      await new SystemdManager({ exec: runner.exec, uid: 1000 }).start(DAEMON, UNIT_FILE, written);
      expect(steps.map((step) => step.argv), written).toEqual(runner.calls);
    }
  });

  it('stops with disable --now, and removes: disable, delete, reload, in that order', async () => {
    const { exec, calls } = scripted();
    const manager = new SystemdManager({ exec, uid: 1000 });
    await manager.stop(PEER);
    expect(calls).toEqual([['systemctl', '--user', 'disable', '--now', 'iapeer-peer-demo-boris-abcd1234.service']]);
    calls.length = 0;
    await manager.remove(DAEMON, () => {
      calls.push(['(delete)']);
      return Promise.resolve();
    });
    expect(calls).toEqual([['systemctl', '--user', 'disable', '--now', 'iapeer-daemon.service'], ['(delete)'], ['systemctl', '--user', 'daemon-reload']]);
  });

  it('reports a failed command with what it said and where to look', async () => {
    const { exec } = scripted([[/enable/, { exitCode: 1, stderr: 'Failed to enable unit: Unit file is masked.' }]]);
    await expect(new SystemdManager({ exec, uid: 1000 }).start(DAEMON, UNIT_FILE, 'new')).rejects.toThrow(
      'systemctl --user enable --now iapeer-daemon.service failed (exit 1): Failed to enable unit: Unit file is masked.; see: systemctl --user status iapeer-daemon.service',
    );
  });

  it('tells an unreachable user manager and a missing systemctl apart, with the advice given', async () => {
    const offline = scripted([[/is-system-running/, { exitCode: 1, stdout: 'offline\n', stderr: 'Failed to connect to bus: No medium found' }]]);
    const manager = new SystemdManager({ exec: offline.exec, uid: 1000 });
    expect(await manager.isReachable()).toBe(false);
    await expect(manager.assertReachable('run it yourself')).rejects.toThrow(
      'the systemd user manager is not reachable (systemctl --user: Failed to connect to bus: No medium found); run it yourself',
    );
    const missing = scripted([[/systemctl/, { exitCode: undefined, missing: true }]]);
    await expect(new SystemdManager({ exec: missing.exec, uid: 1000 }).assertReachable('run it yourself')).rejects.toThrow(
      'systemctl not found on PATH: this system has no systemd; run it yourself',
    );
    const degraded = scripted([[/is-system-running/, { exitCode: 1, stdout: 'degraded\n' }]]);
    expect(await new SystemdManager({ exec: degraded.exec, uid: 1000 }).isReachable()).toBe(true);
  });

  it('reads lingering from loginctl, and says nothing when loginctl cannot tell', async () => {
    const off = scripted([[/loginctl/, { stdout: 'no\n' }]]);
    expect(await new SystemdManager({ exec: off.exec, uid: 1000 }).lingerOff()).toBe(true);
    expect(off.calls).toEqual([['loginctl', 'show-user', '1000', '--property=Linger', '--value']]);
    expect(await new SystemdManager({ exec: scripted([[/loginctl/, { stdout: 'yes\n' }]]).exec, uid: 1000 }).lingerOff()).toBe(false);
    expect(await new SystemdManager({ exec: scripted([[/loginctl/, { exitCode: 1, stderr: 'not logged in' }]]).exec, uid: 1000 }).lingerOff()).toBe(false);
  });
});

describe('LaunchdManager', () => {
  const NOT_LOADED: Answer = [/print gui\/501\/dev\.iapeer/, { exitCode: 113, stderr: 'Could not find service' }];

  it('enables and bootstraps a service that is not loaded', async () => {
    const { exec, calls } = scripted([NOT_LOADED]);
    const ran = await new LaunchdManager({ exec, uid: 501 }).start(PEER, PLIST, 'new');
    expect(calls).toEqual([
      ['launchctl', 'print', 'gui/501/dev.iapeer.peer.demo-boris.abcd1234'],
      ['launchctl', 'enable', 'gui/501/dev.iapeer.peer.demo-boris.abcd1234'],
      ['launchctl', 'bootstrap', 'gui/501', PLIST],
    ]);
    // The question is not reported as something done.
    expect(ran).toEqual(['launchctl enable gui/501/dev.iapeer.peer.demo-boris.abcd1234', `launchctl bootstrap gui/501 ${PLIST}`]);
  });

  it('kickstarts a service loaded from this very file, without -k', async () => {
    const { exec, calls } = scripted();
    await new LaunchdManager({ exec, uid: 501 }).start(PEER, PLIST, 'same');
    expect(calls.slice(1)).toEqual([['launchctl', 'kickstart', 'gui/501/dev.iapeer.peer.demo-boris.abcd1234']]);
  });

  it('boots out an older loaded file, then bootstraps, retrying while launchd is still unloading it', async () => {
    const { exec, calls } = scripted([[/bootstrap/, { exitCode: 5, stderr: 'Bootstrap failed: 5: Input/output error' }, 1]]);
    await new LaunchdManager({ exec, uid: 501, retryDelayMs: 1 }).start(PEER, PLIST, 'changed');
    expect(calls.map((argv) => argv[1])).toEqual(['print', 'bootout', 'enable', 'bootstrap', 'bootstrap']);
  });

  it('gives up on a bootstrap that keeps failing, saying what launchctl said', async () => {
    const { exec, calls } = scripted([NOT_LOADED, [/bootstrap/, { exitCode: 5, stderr: 'Bootstrap failed: 5: Input/output error' }]]);
    await expect(new LaunchdManager({ exec, uid: 501, retryDelayMs: 1 }).start(PEER, PLIST, 'new')).rejects.toThrow(
      /launchctl bootstrap gui\/501 \S+ failed \(exit 5\): Bootstrap failed: 5: Input\/output error; see: launchctl print gui\/501\/dev\.iapeer\.peer\.demo-boris\.abcd1234/,
    );
    // Not loaded before: nothing to wait for, so no retry.
    expect(calls.filter((argv) => argv[1] === 'bootstrap')).toHaveLength(1);
  });

  it('plans exactly what start runs, loaded or not, asking launchd only whether it is loaded', async () => {
    const label = 'gui/501/dev.iapeer.peer.demo-boris.abcd1234';
    const cases = [
      { loaded: false, written: 'new', steps: ['enable', 'bootstrap'] },
      { loaded: true, written: 'same', steps: ['kickstart'] },
      { loaded: true, written: 'changed', steps: ['bootout', 'enable', 'bootstrap'] },
    ] as const;
    for (const { loaded, written, steps } of cases) {
      const answers = loaded ? [] : [NOT_LOADED];
      const planner = scripted(answers);
      const plan = await new LaunchdManager({ exec: planner.exec, uid: 501 }).planStart(PEER, PLIST, written);
      expect(planner.calls).toEqual([['launchctl', 'print', label]]);
      expect(plan.map((step) => step.argv[1]), written).toEqual(steps);
      const runner = scripted(answers);
      await new LaunchdManager({ exec: runner.exec, uid: 501 }).start(PEER, PLIST, written);
      expect(plan.map((step) => step.argv), written).toEqual(runner.calls.slice(1));
    }
    // No launchctl here (a --target launchd dry run on Linux): nothing can be loaded.
    const missing = await new LaunchdManager({ exec: () => Promise.resolve({ ...OK, exitCode: undefined, missing: true }), uid: 501 }).planStart(PEER, PLIST, 'same');
    expect(missing.map((step) => step.argv[1])).toEqual(['enable', 'bootstrap']);
  });

  it('boots out only a loaded service, and removes the file after', async () => {
    const notLoaded = scripted([[/print gui\/501\/dev\.iapeer\.daemon$/, { exitCode: 113 }]]);
    const manager = new LaunchdManager({ exec: notLoaded.exec, uid: 501 });
    expect(await manager.stop(DAEMON)).toEqual([]);
    expect(notLoaded.calls).toEqual([['launchctl', 'print', 'gui/501/dev.iapeer.daemon']]);

    const loaded = scripted();
    const order: string[] = [];
    await new LaunchdManager({ exec: loaded.exec, uid: 501 }).remove(DAEMON, () => {
      order.push(`${loaded.calls.length} calls, then delete`);
      return Promise.resolve();
    });
    expect(loaded.calls).toEqual([
      ['launchctl', 'print', 'gui/501/dev.iapeer.daemon'],
      ['launchctl', 'bootout', 'gui/501/dev.iapeer.daemon'],
    ]);
    expect(order).toEqual(['2 calls, then delete']);
  });

  it('says when the gui domain is missing or launchctl is not there', async () => {
    const noDomain = scripted([[/print gui\/501$/, { exitCode: 113, stderr: 'Bad request. Could not find domain for port identifier.' }]]);
    await expect(new LaunchdManager({ exec: noDomain.exec, uid: 501 }).assertReachable('run it yourself')).rejects.toThrow(
      "launchd's gui/501 domain is not there (Bad request. Could not find domain for port identifier.): user agents need a login at the Mac's screen; run it yourself",
    );
    const missing = scripted([[/launchctl/, { exitCode: undefined, missing: true }]]);
    await expect(new LaunchdManager({ exec: missing.exec, uid: 501 }).assertReachable('use --dry-run')).rejects.toThrow(
      'launchctl not found on PATH: launchd services exist only on macOS; use --dry-run',
    );
  });
});

describe('defaultTarget', () => {
  it('is launchd on macOS, systemd on Linux, and a refusal elsewhere', () => {
    expect(defaultTarget('darwin', '')).toBe('launchd');
    expect(defaultTarget('linux', '')).toBe('systemd');
    expect(() => defaultTarget('win32', 'run it yourself')).toThrow(RefusedError);
    expect(() => defaultTarget('win32', 'run it yourself')).toThrow(/not on win32; run it yourself/);
  });
});
