import { removePeer } from '../../lifecycle/peers/remove-peer.js';
import { counted } from '../../core/text/counted.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';

export async function remove(options: { peer: string; force: boolean }, { ctx, io }: Verb): Promise<void> {
  const result = await removePeer(ctx, options);
  if (result.outcome === 'absent') return printLine(io, `no peer named ${result.personality}; nothing to remove`);
  const total = result.dropped.waiting + result.dropped.setAside;
  const notes = [
    result.ended.length > 0 ? `ended ${result.ended.join(', ')}` : '',
    total > 0 ? `dropped ${counted(total, 'message')}: ${result.dropped.waiting} waiting, ${result.dropped.setAside} set aside` : '',
  ].filter(Boolean);
  printLine(io, `removed ${result.personality}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
}
