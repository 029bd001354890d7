import { RefusedError, UsageError } from '../../core/errors.js';
import { startAll } from '../../lifecycle/peers/start-all.js';
import { type StartResult, startPeer } from '../../lifecycle/peers/start-peer.js';
import type { Verb } from '../context-from-env.js';
import type { Io } from '../io.js';
import { printLine, shown } from '../output.js';

/** One line for a start; a service's warnings go to stderr. */
function renderStart(io: Io, result: StartResult): void {
  printLine(
    io,
    result.outcome === 'woken'
      ? `started ${result.identity} (${result.mode}, ${result.cause}), pid ${result.pid}`
      : `${result.identity} is already live${result.pid === undefined ? '' : `, pid ${result.pid}`}`,
  );
  if ('service' in result) for (const warning of result.service.warnings) io.stderr.write(`iapeer: start: warning: ${shown(warning)}\n`);
}

const LEFT = { stopped: 'it was stopped on purpose', blocked: 'it kept dying at start-up' } as const;

export async function start(options: { peer: string | undefined; runtime: string | undefined; all: boolean }, { ctx, io }: Verb): Promise<void> {
  if (options.all && options.peer !== undefined) throw new UsageError('give a peer or --all, not both');
  if (!options.all) {
    if (options.peer === undefined) throw new UsageError('name the peer to start, or use --all');
    return renderStart(io, await startPeer(ctx, { peer: options.peer, runtime: options.runtime }));
  }
  const results = await startAll(ctx);
  if (results.length === 0) return printLine(io, 'no peers to start: add one with iapeer add <peer> --runtime <runtime>');
  const failures: string[] = [];
  for (const result of results) {
    if (result.outcome === 'started') renderStart(io, result.start);
    else if (result.outcome === 'live') printLine(io, `${result.identity} is already live${result.pid === null ? '' : `, pid ${result.pid}`}`);
    else if (result.outcome === 'left') printLine(io, `left ${result.identity} ${result.state} (${LEFT[result.state]}; iapeer start ${result.identity} lifts it)`);
    else failures.push(`${result.identity}: ${result.error.message}`);
  }
  if (failures.length > 0) throw new RefusedError(`could not start ${failures.join('; ')}`, 'ESTARTFAILED');
}
