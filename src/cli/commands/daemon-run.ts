import { createDaemonLog } from '../../daemon/daemon-log.js';
import { runDaemon } from '../../daemon/run-daemon.js';
import type { AppContext } from '../../lifecycle/context/app-context.js';
import type { Verb } from '../context-from-env.js';
import { untilStopped } from '../io.js';
import { printLine } from '../output.js';

/**
 * `daemon run`: the daemon in the foreground. SIGTERM or SIGINT lets the current tick
 * finish, then it stops (exit 0); a second daemon for the same home exits 0 at once.
 * In a terminal it says where it runs; under a service manager (no terminal) it says
 * nothing, so the service's output file holds only what went wrong.
 */
export async function daemonRun(_options: Record<string, never>, { ctx, io }: Verb): Promise<void> {
  // The service manager may hang up the terminal it never gave: that is no reason to stop.
  process.on('SIGHUP', () => undefined);
  const log = createDaemonLog(ctx, {
    onError: (error) => io.stderr.write(`iapeer: daemon: cannot write ${ctx.paths.daemonLog}: ${(error as Error).message}\n`),
  });
  await untilStopped(async (stopping) => {
    try {
      const onStarted = io.stderr.isTTY === true ? () => io.stderr.write(whereItRuns(ctx)) : undefined;
      const exit = await runDaemon({ ctx, log, stop: stopping.signal, ...(onStarted ? { onStarted } : {}) });
      if (exit.kind === 'already-running') {
        printLine(io, `the daemon is already running for ${ctx.paths.home}${exit.pid === undefined ? '' : ` (pid ${exit.pid})`}`);
      }
    } finally {
      await log.close();
    }
  });
}

function whereItRuns(ctx: AppContext): string {
  const { home, daemonLog, lifecycleLog } = ctx.paths;
  return [
    `iapeer daemon running (pid ${process.pid})`,
    `  home  ${home}`,
    `  log   ${daemonLog} (its decisions: ${lifecycleLog})`,
    `  stop  Ctrl-C, or kill ${process.pid}`,
    '',
  ].join('\n');
}
