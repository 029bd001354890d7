import { startPeer } from '../../lifecycle/peers/start-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine, shown } from '../output.js';

export async function start(options: { peer: string; runtime: string | undefined }, { ctx, io }: Verb): Promise<void> {
  const result = await startPeer(ctx, options);
  printLine(
    io,
    result.outcome === 'woken'
      ? `started ${result.identity} (${result.mode}, ${result.cause}), pid ${result.pid}`
      : `${result.identity} is already live${result.pid === undefined ? '' : `, pid ${result.pid}`}`,
  );
  if ('service' in result) for (const warning of result.service.warnings) io.stderr.write(`iapeer: start: warning: ${shown(warning)}\n`);
}
