import type { ServiceTarget } from '../../transport/services/service-files.js';
import type { ServiceStep } from '../../transport/services/service-manager.js';
import { deleteServiceFile, readServiceFile, writeOutcomeOf } from '../../transport/services/service-store.js';
import type { AppContext } from '../context/app-context.js';
import { type ServiceDeps, type ServiceInstallResult, DAEMON_ADVICE, installService, serviceFor, serviceProblems, targetOf } from './service-setup.js';

export interface ServicePlan {
  readonly target: ServiceTarget;
  readonly file: string;
  readonly text: string;
  readonly steps: readonly ServiceStep[];
  readonly warnings: readonly string[];
}

/** `daemon install --dry-run`: the file and the commands, with what would stop a real install; nothing is changed. */
export async function planDaemonInstall(ctx: AppContext, input: { target: ServiceTarget | undefined }, deps: ServiceDeps = {}): Promise<ServicePlan> {
  const setup = serviceFor(ctx, { kind: 'daemon' }, targetOf(input.target, deps, DAEMON_ADVICE), deps);
  const warnings = await serviceProblems(ctx, setup);
  const current = await readServiceFile(setup.file).catch((error: unknown) => void warnings.push((error as Error).message));
  // A file iapeer did not write stops a real install before any command: there is nothing to plan.
  const steps = current === undefined ? [] : await setup.manager.planStart(setup.names, setup.file, writeOutcomeOf(current, setup.text));
  return { target: setup.target, file: setup.file, text: setup.text, steps, warnings };
}

/** `daemon install`: write the daemon's service file and load and start it. Idempotent. */
export async function installDaemonService(ctx: AppContext, input: { target: ServiceTarget | undefined }, deps: ServiceDeps = {}): Promise<ServiceInstallResult> {
  const setup = serviceFor(ctx, { kind: 'daemon' }, targetOf(input.target, deps, DAEMON_ADVICE), deps);
  return installService(ctx, setup, DAEMON_ADVICE);
}

export interface ServiceRemoveResult {
  readonly name: string;
  readonly file: string;
  readonly removed: boolean;
  readonly ran: readonly string[];
}

/** `daemon uninstall`: stop and unload the daemon's service and delete its file; absent is a no-op. */
export async function uninstallDaemonService(ctx: AppContext, deps: ServiceDeps = {}): Promise<ServiceRemoveResult> {
  const setup = serviceFor(ctx, { kind: 'daemon' }, targetOf(undefined, deps, DAEMON_ADVICE), deps);
  const name = setup.target === 'launchd' ? setup.names.label : setup.names.unit;
  const current = await readServiceFile(setup.file);
  if (current.state === 'absent') return { name, file: setup.file, removed: false, ran: [] };
  await setup.manager.assertReachable(`it cannot be stopped; if nothing runs it, delete it by hand: rm ${setup.file}`);
  const ran = await setup.manager.remove(setup.names, async () => {
    await deleteServiceFile(setup.file);
  });
  return { name, file: setup.file, removed: true, ran };
}
