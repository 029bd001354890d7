import { interruptPeer } from '../../lifecycle/sessions/interrupt-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';

export async function interrupt(options: { peer: string; runtime: string | undefined }, { ctx, io }: Verb): Promise<void> {
  const { identity, key } = await interruptPeer(ctx, options);
  printLine(io, `sent ${key} to ${identity}`);
}
