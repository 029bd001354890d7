import { setTimeout as sleep } from 'node:timers/promises';
import { RefusedError } from '../../core/errors.js';
import type { ExecResult, ServiceExec } from './service-exec.js';
import { type ServiceNames, type ServiceTarget, showCommand } from './service-files.js';
import type { WriteOutcome } from './service-store.js';

/** One command a manager runs; `when` says why, for a dry run, where that is not plain. */
export interface ServiceStep {
  readonly argv: readonly string[];
  readonly when?: string;
  /** Its failure does not stop the start. */
  readonly mayFail?: boolean;
  /** How many times it is tried, `retryDelayMs` apart, before its failure counts. */
  readonly tries?: number;
}

/**
 * launchd or systemd behind one interface. Every command goes through the exec seam as an
 * argv array; each method returns the command lines it ran, for the report.
 */
export interface ServiceManager {
  readonly target: ServiceTarget;
  /** What `start` runs now for a file written so (only asking the manager, never changing it): the dry run's commands. */
  planStart(names: ServiceNames, file: string, written: WriteOutcome): Promise<ServiceStep[]>;
  /** What `remove` would run, for a dry run. */
  planRemove(names: ServiceNames, file: string): ServiceStep[];
  /** Refuses (saying `advice`) when the manager cannot be reached: nothing could be installed. */
  assertReachable(advice: string): Promise<void>;
  /** False when the manager cannot be reached, so nothing of ours can run under it. */
  isReachable(): Promise<boolean>;
  /** Loads (or reloads) the written file and starts the service; idempotent. */
  start(names: ServiceNames, file: string, written: WriteOutcome): Promise<string[]>;
  /** Stops the service and keeps it from starting by itself; its file stays. */
  stop(names: ServiceNames): Promise<string[]>;
  /** Stops and unloads the service, then deletes the file through `deleteFile`. */
  remove(names: ServiceNames, deleteFile: () => Promise<void>): Promise<string[]>;
  /** systemd: lingering is off, so user services stop at logout. launchd: never. */
  lingerOff(): Promise<boolean>;
  /** The command that shows the service's state, for messages. */
  statusCommand(names: ServiceNames): string;
}

export interface ManagerOptions {
  readonly exec: ServiceExec;
  readonly uid: number;
  /** How long to wait between bootstrap attempts after a bootout (launchd unloads asynchronously). */
  readonly retryDelayMs?: number;
}

/** The first line of what a failed command said. */
function said(result: ExecResult): string {
  const text = `${result.stderr}\n${result.stdout}`.trim().split('\n')[0] ?? '';
  return text === '' ? 'no message' : text.slice(0, 300);
}

function failed(argv: readonly string[], result: ExecResult, hint: string): RefusedError {
  const status = result.exitCode === undefined ? '' : ` (exit ${result.exitCode})`;
  return new RefusedError(`${showCommand(argv)} failed${status}: ${said(result)}; see: ${hint}`, 'ESERVICE');
}

function missing(program: string, advice: string): RefusedError {
  const where = program === 'launchctl' ? 'launchd services exist only on macOS' : 'this system has no systemd';
  return new RefusedError(`${program} not found on PATH: ${where}; ${advice}`, 'ENOSERVICEMANAGER');
}

/** Runs commands and records their lines, throwing on the first failure unless told it may fail. */
class Runner {
  readonly ran: string[] = [];

  constructor(
    private readonly exec: ServiceExec,
    private readonly hint: string,
  ) {}

  /** `probe`: a question, not an action, so not in the report. */
  async run(argv: readonly string[], options: { mayFail?: boolean; probe?: boolean } = {}): Promise<ExecResult> {
    const [file, ...args] = argv as [string, ...string[]];
    const result = await this.exec(file, args);
    if (result.missing) throw missing(file, 'is it on the PATH iapeer runs with?');
    if (options.probe !== true) this.ran.push(showCommand(argv));
    if (result.exitCode !== 0 && options.mayFail !== true) throw failed(argv, result, this.hint);
    return result;
  }

  async step(step: ServiceStep, retryDelayMs: number): Promise<void> {
    const tries = step.tries ?? 1;
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= tries;
      const result = await this.run(step.argv, { mayFail: step.mayFail === true || !last });
      if (result.exitCode === 0 || last) return;
      await sleep(retryDelayMs);
    }
  }
}

/** systemd --user: `daemon-reload`, `enable --now`, `disable --now`. */
export class SystemdManager implements ServiceManager {
  readonly target = 'systemd';

  constructor(private readonly options: ManagerOptions) {}

  private static systemctl(...args: string[]): string[] {
    return ['systemctl', '--user', ...args];
  }

  private static startSteps(names: ServiceNames, written: WriteOutcome): ServiceStep[] {
    const systemctl = (...args: string[]) => SystemdManager.systemctl(...args);
    return [
      { argv: systemctl('daemon-reload') },
      { argv: systemctl('reset-failed', names.unit), mayFail: true, when: 'clears a start limit hit earlier; may say the unit is not loaded' },
      // A running service keeps its old command line until it is restarted.
      ...(written === 'changed'
        ? [{ argv: systemctl('enable', names.unit) }, { argv: systemctl('restart', names.unit), when: 'so that the running service takes the new file' }]
        : [{ argv: systemctl('enable', '--now', names.unit) }]),
    ];
  }

  planStart(names: ServiceNames, _file: string, written: WriteOutcome): Promise<ServiceStep[]> {
    return Promise.resolve(SystemdManager.startSteps(names, written));
  }

  planRemove(names: ServiceNames, file: string): ServiceStep[] {
    return [
      { argv: SystemdManager.systemctl('disable', '--now', names.unit) },
      { argv: ['rm', file] },
      { argv: SystemdManager.systemctl('daemon-reload') },
    ];
  }

  statusCommand(names: ServiceNames): string {
    return showCommand(SystemdManager.systemctl('status', names.unit));
  }

  /** `is-system-running` answers `offline` (or nothing) when there is no user manager to talk to. */
  private async probe(): Promise<{ ok: true } | { ok: false; reason: string; missing: boolean }> {
    const result = await this.options.exec('systemctl', ['--user', 'is-system-running']);
    if (result.missing) return { ok: false, reason: 'systemctl not found', missing: true };
    const state = result.stdout.trim();
    if (state === '' || state === 'offline' || state === 'unknown' || /Failed to connect/i.test(result.stderr)) {
      const said = result.stderr.trim().split('\n')[0];
      return { ok: false, reason: said ? `systemctl --user: ${said}` : `systemctl --user is-system-running says ${JSON.stringify(state)}`, missing: false };
    }
    return { ok: true };
  }

  async isReachable(): Promise<boolean> {
    return (await this.probe()).ok;
  }

  async assertReachable(advice: string): Promise<void> {
    const probe = await this.probe();
    if (probe.ok) return;
    if (probe.missing) throw missing('systemctl', advice);
    throw new RefusedError(`the systemd user manager is not reachable (${probe.reason}); ${advice}`, 'ENOSERVICEMANAGER');
  }

  async start(names: ServiceNames, _file: string, written: WriteOutcome): Promise<string[]> {
    const runner = new Runner(this.options.exec, this.statusCommand(names));
    for (const step of SystemdManager.startSteps(names, written)) await runner.step(step, 0);
    return runner.ran;
  }

  async stop(names: ServiceNames): Promise<string[]> {
    const runner = new Runner(this.options.exec, this.statusCommand(names));
    await runner.run(SystemdManager.systemctl('disable', '--now', names.unit));
    return runner.ran;
  }

  async remove(names: ServiceNames, deleteFile: () => Promise<void>): Promise<string[]> {
    const runner = new Runner(this.options.exec, this.statusCommand(names));
    await runner.run(SystemdManager.systemctl('disable', '--now', names.unit));
    await deleteFile();
    await runner.run(SystemdManager.systemctl('daemon-reload'));
    return runner.ran;
  }

  async lingerOff(): Promise<boolean> {
    const result = await this.options.exec('loginctl', ['show-user', String(this.options.uid), '--property=Linger', '--value']);
    // No logind, or it does not know the user: nothing to tell.
    if (result.missing || result.exitCode !== 0) return false;
    const value = result.stdout.trim().replace(/^Linger=/, '');
    return value === 'no';
  }
}

/** How many times a bootstrap right after a bootout is tried: launchd may still be unloading the old job. */
const BOOTSTRAP_TRIES = 5;

/** launchd: `bootstrap gui/<uid> <plist>`, `bootout gui/<uid>/<label>`. */
export class LaunchdManager implements ServiceManager {
  readonly target = 'launchd';

  constructor(private readonly options: ManagerOptions) {}

  private get domain(): string {
    return `gui/${this.options.uid}`;
  }

  private service(names: ServiceNames): string {
    return `${this.domain}/${names.label}`;
  }

  private startSteps(names: ServiceNames, file: string, written: WriteOutcome, loaded: boolean): ServiceStep[] {
    if (loaded && written === 'same') {
      // No -k: a running one is kept.
      return [{ argv: ['launchctl', 'kickstart', this.service(names)], when: 'loaded from this very file: starts it if it is not running' }];
    }
    return [
      ...(loaded ? [{ argv: ['launchctl', 'bootout', this.service(names)], mayFail: true, when: 'unloads the older file' }] : []),
      // A service disabled in launchd's overrides cannot be bootstrapped.
      { argv: ['launchctl', 'enable', this.service(names)] },
      // launchd unloads asynchronously: right after a bootout, a bootstrap may fail for a while.
      { argv: ['launchctl', 'bootstrap', this.domain, file], tries: loaded ? BOOTSTRAP_TRIES : 1 },
    ];
  }

  async planStart(names: ServiceNames, file: string, written: WriteOutcome): Promise<ServiceStep[]> {
    // No launchctl (a dry run for launchd elsewhere): nothing of ours can be loaded.
    const look = await this.options.exec('launchctl', ['print', this.service(names)]);
    return this.startSteps(names, file, written, !look.missing && look.exitCode === 0);
  }

  planRemove(names: ServiceNames, file: string): ServiceStep[] {
    return [
      { argv: ['launchctl', 'bootout', this.service(names)], when: 'only when it is loaded' },
      { argv: ['rm', file] },
    ];
  }

  statusCommand(names: ServiceNames): string {
    return showCommand(['launchctl', 'print', this.service(names)]);
  }

  private async probe(): Promise<ExecResult> {
    return this.options.exec('launchctl', ['print', this.domain]);
  }

  async isReachable(): Promise<boolean> {
    const result = await this.probe();
    return !result.missing && result.exitCode === 0;
  }

  async assertReachable(advice: string): Promise<void> {
    const result = await this.probe();
    if (result.missing) throw missing('launchctl', advice);
    if (result.exitCode !== 0) {
      throw new RefusedError(
        `launchd's ${this.domain} domain is not there (${said(result)}): user agents need a login at the Mac's screen; ${advice}`,
        'ENOSERVICEMANAGER',
      );
    }
  }

  private async loaded(runner: Runner, names: ServiceNames): Promise<boolean> {
    return (await runner.run(['launchctl', 'print', this.service(names)], { mayFail: true, probe: true })).exitCode === 0;
  }

  async start(names: ServiceNames, file: string, written: WriteOutcome): Promise<string[]> {
    const runner = new Runner(this.options.exec, this.statusCommand(names));
    const loaded = await this.loaded(runner, names);
    for (const step of this.startSteps(names, file, written, loaded)) await runner.step(step, this.options.retryDelayMs ?? 500);
    return runner.ran;
  }

  async stop(names: ServiceNames): Promise<string[]> {
    const runner = new Runner(this.options.exec, this.statusCommand(names));
    if (await this.loaded(runner, names)) await runner.run(['launchctl', 'bootout', this.service(names)]);
    return runner.ran;
  }

  async remove(names: ServiceNames, deleteFile: () => Promise<void>): Promise<string[]> {
    const runner = new Runner(this.options.exec, this.statusCommand(names));
    if (await this.loaded(runner, names)) await runner.run(['launchctl', 'bootout', this.service(names)]);
    await deleteFile();
    return runner.ran;
  }

  lingerOff(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

export function createServiceManager(target: ServiceTarget, options: ManagerOptions): ServiceManager {
  return target === 'launchd' ? new LaunchdManager(options) : new SystemdManager(options);
}

/** This OS's service manager, or a refusal on one iapeer has none for. */
export function defaultTarget(platform: NodeJS.Platform, advice: string): ServiceTarget {
  if (platform === 'darwin') return 'launchd';
  if (platform === 'linux') return 'systemd';
  throw new RefusedError(`iapeer installs services only with launchd (macOS) or systemd (Linux), not on ${platform}; ${advice}`, 'ENOSERVICEMANAGER');
}
