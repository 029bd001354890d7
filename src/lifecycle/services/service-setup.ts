import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RefusedError } from '../../core/errors.js';
import { ensureHome, ensurePrivateDir } from '../../core/paths.js';
import { findExecutable } from '../../core/process/process.js';
import { iapeerCliPath } from '../../runtimes/builtin-runtimes.js';
import { type ServiceExec, createServiceExec } from '../../transport/services/service-exec.js';
import {
  type ServiceNames,
  type ServiceRole,
  type ServiceSpec,
  type ServiceTarget,
  homeTag,
  renderService,
  serviceEnv,
  serviceFilePath,
  serviceNames,
} from '../../transport/services/service-files.js';
import { type ServiceManager, createServiceManager, defaultTarget } from '../../transport/services/service-manager.js';
import { type WriteOutcome, readServiceFile, writeServiceFile } from '../../transport/services/service-store.js';
import type { AppContext } from '../context/app-context.js';

/** The edges of the service layer, with production defaults; tests pass their own. */
export interface ServiceDeps {
  readonly exec?: ServiceExec;
  readonly platform?: NodeJS.Platform;
  readonly uid?: number;
  /** The iapeer command the service runs: by default this iapeer's own (built) one. */
  readonly cliPath?: string;
}

/** One service, rendered for one manager, with the manager that loads it. */
export interface ServiceSetup {
  readonly target: ServiceTarget;
  readonly names: ServiceNames;
  readonly spec: ServiceSpec;
  /** Where the file goes. */
  readonly file: string;
  readonly text: string;
  readonly manager: ServiceManager;
}

/** What an install did, for the report. */
export interface ServiceInstallResult {
  readonly target: ServiceTarget;
  /** The unit name or the launchd label. */
  readonly name: string;
  readonly file: string;
  readonly written: WriteOutcome;
  readonly ran: readonly string[];
  readonly logFile: string;
  readonly warnings: readonly string[];
}

export const DAEMON_ADVICE = "run 'iapeer daemon run' under another supervisor instead, or in a terminal you keep open";

/**
 * Node flags for the long-running services. The daemon's garbage is short-lived; a small
 * young generation and a bounded old one keep its memory flat over months of ticks (about
 * 67 MiB with 200 identities) where V8's defaults let it grow past 90 MiB.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--max-old-space-size=128'];

function userHomeOf(ctx: AppContext): string {
  return ctx.childEnv['HOME'] ?? homedir();
}

/** The service of the daemon or of one identity, for this home, rendered for `target`. */
export function serviceFor(ctx: AppContext, role: ServiceRole, target: ServiceTarget, deps: ServiceDeps = {}): ServiceSetup {
  const userHome = userHomeOf(ctx);
  const names = serviceNames(role, homeTag(ctx.paths.home, join(userHome, '.iapeer')));
  const words = role.kind === 'daemon' ? ['daemon', 'run'] : ['daemon', 'peer', role.identity];
  const spec: ServiceSpec = {
    role,
    names,
    program: [ctx.nodeBin, ...SERVICE_NODE_FLAGS, deps.cliPath ?? iapeerCliPath(), ...words],
    env: serviceEnv(target, ctx.childEnv, { home: ctx.paths.home, userHome }),
    workingDirectory: userHome,
    logFile: join(ctx.paths.logsDir, names.logName),
    home: ctx.paths.home,
  };
  const exec = deps.exec ?? createServiceExec(ctx.childEnv);
  return {
    target,
    names,
    spec,
    file: serviceFilePath(target, names, { home: userHome, xdgConfigHome: ctx.childEnv['XDG_CONFIG_HOME'] }),
    text: renderService(target, spec),
    manager: createServiceManager(target, { exec, uid: deps.uid ?? process.getuid?.() ?? 0 }),
  };
}

export function targetOf(requested: ServiceTarget | undefined, deps: ServiceDeps, advice: string): ServiceTarget {
  return requested ?? defaultTarget(deps.platform ?? process.platform, advice);
}

/** What would make the installed service fail at once: said before anything is written. */
export async function serviceProblems(ctx: AppContext, setup: ServiceSetup): Promise<string[]> {
  const problems: string[] = [];
  const node = setup.spec.program[0];
  const cli = setup.spec.program[SERVICE_NODE_FLAGS.length + 1];
  for (const [what, path] of [
    ['node', node],
    ['the iapeer command', cli],
  ] as const) {
    if (path === undefined || !(await access(path).then(() => true, () => false))) problems.push(`${what} ${path ?? ''} is not there`);
  }
  if (!(await findExecutable(ctx.config.tmuxBin, setup.spec.env['PATH']))) {
    problems.push(`tmux (${ctx.config.tmuxBin}) is not on this PATH, which the service keeps: install it, or run from a shell whose PATH has it`);
  }
  return problems;
}

export async function assertServiceCanRun(ctx: AppContext, setup: ServiceSetup): Promise<void> {
  const problems = await serviceProblems(ctx, setup);
  if (problems.length > 0) throw new RefusedError(`the service would fail: ${problems.join('; ')}`, 'ESERVICE');
}

/** The warning for a systemd user manager that stops user services at logout. */
export async function lingerWarnings(ctx: AppContext, setup: ServiceSetup): Promise<string[]> {
  if (!(await setup.manager.lingerOff())) return [];
  const user = ctx.childEnv['USER'] ?? ctx.childEnv['LOGNAME'] ?? '$USER';
  return [`lingering is off for ${user}: systemd stops user services when you log out; to keep them running: loginctl enable-linger ${user}`];
}

/** What must hold before a service is installed: no file iapeer did not write there, a service that could run, a manager that answers. */
export async function checkServiceInstall(ctx: AppContext, setup: ServiceSetup, advice: string): Promise<void> {
  await readServiceFile(setup.file);
  await assertServiceCanRun(ctx, setup);
  await setup.manager.assertReachable(advice);
}

/** Writes the file and loads and starts it. */
export async function installService(ctx: AppContext, setup: ServiceSetup, advice: string): Promise<ServiceInstallResult> {
  await checkServiceInstall(ctx, setup, advice);
  return startCheckedService(ctx, setup);
}

/** Writes the file (read again: one iapeer did not write is still refused) and loads and starts it, once checkServiceInstall passed. */
export async function startCheckedService(ctx: AppContext, setup: ServiceSetup): Promise<ServiceInstallResult> {
  const current = await readServiceFile(setup.file);
  // launchd and systemd open the log file but do not create its directory.
  await ensureHome(ctx.paths);
  await ensurePrivateDir(ctx.paths.logsDir, 'logs directory');
  const written = await writeServiceFile(setup.file, setup.text, current);
  const ran = await setup.manager.start(setup.names, setup.file, written);
  return {
    target: setup.target,
    name: setup.target === 'launchd' ? setup.names.label : setup.names.unit,
    file: setup.file,
    written,
    ran,
    logFile: setup.spec.logFile,
    warnings: await lingerWarnings(ctx, setup),
  };
}
