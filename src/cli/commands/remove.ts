import { removePeer } from '../../lifecycle/peers/remove-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';

export async function remove(options: { peer: string; force: boolean }, { ctx, io }: Verb): Promise<void> {
  const result = await removePeer(ctx, options);
  if (result.outcome === 'absent') return printLine(io, `no peer named ${result.personality}; nothing to remove`);
  printLine(io, `removed ${result.personality}${result.ended.length > 0 ? ` (ended ${result.ended.join(', ')})` : ''}`);
}
