import { attachPeer } from '../../lifecycle/peers/attach-peer.js';
import type { Verb } from '../context-from-env.js';
import { requireTerminal } from '../terminal.js';

export async function attach(options: { peer: string; runtime: string | undefined }, { ctx, io }: Verb): Promise<number> {
  requireTerminal(io, 'attach');
  return attachPeer(ctx, options);
}
