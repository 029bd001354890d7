import { restartPeer } from '../../lifecycle/peers/restart-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine, shown } from '../output.js';

/** `restart <peer> [runtime]`: stop, then start; one line per identity. */
export async function restart(options: { peer: string; runtime: string | undefined }, { ctx, io }: Verb): Promise<void> {
  for (const { identity, was, start } of await restartPeer(ctx, options)) {
    const how = start.outcome === 'woken' ? ` (${start.mode}, ${start.cause}), pid ${start.pid}` : ', but it was already live again (started by someone else meanwhile)';
    printLine(io, `restarted ${identity}${how}${was === 'live' ? '' : '; it was not running'}`);
    if ('service' in start) for (const warning of start.service.warnings) io.stderr.write(`iapeer: restart: warning: ${shown(warning)}\n`);
  }
}
