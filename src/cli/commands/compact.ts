import { compactPeer } from '../../lifecycle/sessions/interrupt-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine, shown } from '../output.js';

export async function compact(options: { peer: string; runtime: string | undefined }, { ctx, io }: Verb): Promise<void> {
  const { identity, command } = await compactPeer(ctx, options);
  // The compact command comes from runtimes.json: shown, never obeyed.
  printLine(io, `submitted ${shown(command)} to ${identity}`);
}
