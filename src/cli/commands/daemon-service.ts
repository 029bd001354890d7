import { installDaemonService, planDaemonInstall, uninstallDaemonService } from '../../lifecycle/services/install-daemon-service.js';
import type { ServiceTarget } from '../../transport/services/service-files.js';
import { showCommand } from '../../transport/services/service-files.js';
import type { Verb } from '../context-from-env.js';
import type { Io } from '../io.js';
import { printLine, shown } from '../output.js';

function warn(io: Io, warnings: readonly string[]): void {
  for (const warning of warnings) io.stderr.write(`iapeer: daemon: warning: ${shown(warning)}\n`);
}

/** `daemon install [--dry-run] [--target launchd|systemd]`. */
export async function daemonInstall(options: { readonly dryRun: boolean; readonly target: ServiceTarget | undefined }, { ctx, io }: Verb): Promise<void> {
  if (options.dryRun) {
    const plan = await planDaemonInstall(ctx, { target: options.target });
    printLine(io, `# iapeer daemon install --dry-run (${plan.target}): nothing is changed`);
    printLine(io, `# ${plan.file}:`);
    io.stdout.write(plan.text);
    if (plan.steps.length === 0) printLine(io, '# then nothing: a real install is refused (see the warning)');
    else printLine(io, '# then:');
    for (const step of plan.steps) printLine(io, `${showCommand(step.argv)}${step.when === undefined ? '' : `    # ${step.when}`}`);
    warn(io, plan.warnings);
    return;
  }
  const result = await installDaemonService(ctx, { target: options.target });
  const what = { new: 'wrote', changed: 'rewrote', same: 'kept (unchanged)' }[result.written];
  printLine(io, `${what} ${result.file}`);
  for (const command of result.ran) printLine(io, `ran: ${command}`);
  printLine(io, `the daemon runs as ${result.target} service ${result.name}; its output goes to ${result.logFile}`);
  warn(io, result.warnings);
}

/** `daemon uninstall`: absent is a no-op. */
export async function daemonUninstall(_options: Record<string, never>, { ctx, io }: Verb): Promise<void> {
  const result = await uninstallDaemonService(ctx);
  if (!result.removed) return printLine(io, `no daemon service installed (${result.file} is absent)`);
  for (const command of result.ran) printLine(io, `ran: ${command}`);
  printLine(io, `removed ${result.name} (deleted ${result.file})`);
}
