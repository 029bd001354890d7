import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { receiveMessage } from '../../lifecycle/messages/receive-message.js';
import { parseCrossing } from '../../transport/queue/crossing.js';
import type { Verb } from '../context-from-env.js';
import { printJson } from '../output.js';

/** A body at the limit, JSON-escaped at worst six bytes a character, and the other fields. */
const MAX_INPUT_BYTES = MAX_TEXT_BYTES * 6 + 64 * 1024;

async function readInput(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) break;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `iapeer receive --json` (hidden): what another host's iapeer runs over ssh to hand this
 * host a message, on stdin. The link may die while it runs: sshd then sends SIGHUP and its
 * pipes close, and neither may end it between storing the message and recording its id or
 * in the middle of a paste (the sender's retry would then find neither and the message would
 * arrive twice, or half). A notice on a closed stderr is lost, not fatal.
 */
export async function receive(_options: { readonly json: boolean }, { ctx, io }: Verb): Promise<void> {
  process.on('SIGHUP', () => undefined);
  process.stderr.on('error', () => undefined);
  const crossing = parseCrossing(await readInput());
  const result = await receiveMessage(ctx, crossing);
  printJson(io, { id: result.id, target: result.target, identity: result.identity, outcome: result.outcome });
}
