import { RefusedError } from '../../core/errors.js';
import { stopPeers } from '../../lifecycle/peers/stop-peers.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';

export async function stop(options: { peer: string | undefined; runtime: string | undefined; all: boolean }, { ctx, io }: Verb): Promise<void> {
  const results = await stopPeers(ctx, options);
  if (results.length === 0) return printLine(io, 'no peers to stop');
  const failures: string[] = [];
  for (const result of results) {
    if (result.ok) printLine(io, `stopped ${result.identity}${result.was === 'live' ? '' : ' (it was not running)'}`);
    else failures.push(`${result.identity}: ${result.error.message}`);
  }
  if (failures.length > 0) throw new RefusedError(`could not stop ${failures.join('; ')}`, 'ESTOPFAILED');
}
