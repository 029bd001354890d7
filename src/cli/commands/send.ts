import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { sendToMany } from '../../lifecycle/messages/send-many.js';
import type { SendResult } from '../../lifecycle/messages/send-message.js';
import { sendToTarget } from '../../lifecycle/messages/send-to-target.js';
import type { Verb } from '../context-from-env.js';
import { readStdin } from '../read-stdin.js';
import { deliveredPhrase, printJson, printLine, shown } from '../output.js';

export interface SendOptions {
  /** One target keeps the one-object output; several (or --all) print one line or object each. */
  readonly targets: readonly string[];
  readonly all?: boolean;
  readonly message?: string;
  readonly messageFile?: string;
  readonly from?: string;
  readonly topic?: string;
  readonly attachment?: readonly string[];
  /** commander's `--no-wake` sets `wake: false`. */
  readonly wake?: boolean;
  readonly json?: boolean;
}

async function bodyOf(options: SendOptions, cwd: string): Promise<string> {
  if ((options.message === undefined) === (options.messageFile === undefined)) {
    throw new UsageError('give exactly one of --message <text> and --message-file <file|->', 'EUSAGE');
  }
  if (options.message !== undefined) return options.message;
  const file = options.messageFile as string;
  // Past the limit, reading stops: the send refuses it (checkBodySize, in the envelope).
  if (file === '-') return readStdin(MAX_TEXT_BYTES + 4);
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`--message-file ${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'ENOMESSAGEFILE');
  }
}

function sentLine(result: SendResult): string {
  const what =
    result.outcome === 'queued'
      ? `queued for ${result.identity} (${shown(result.reason ?? 'waiting')}); the daemon delivers it when it can`
      : deliveredPhrase(result.outcome, result.identity);
  return `${result.id}: ${what}`;
}

const jsonOf = (result: SendResult) => ({ id: result.id, target: result.target, identity: result.identity, outcome: result.outcome });

/** Exit 0 when every message was delivered or queued; 1 when any target refused it, each on stderr. */
export async function send(options: SendOptions, { ctx, io }: Verb): Promise<number> {
  const { targets } = options;
  if (options.all === true && targets.length > 0) throw new UsageError('give targets or --all, not both');
  if (options.all !== true && targets.length === 0) throw new UsageError('name a target (a peer, or an identity such as claude-boris), or use --all (see: iapeer send --help)');
  const body = await bodyOf(options, ctx.cwd);
  const input = { body, from: options.from, topic: options.topic, attachments: options.attachment ?? [], noWake: options.wake === false };
  if (options.all !== true && targets.length === 1) {
    const result = await sendToTarget(ctx, { ...input, target: targets[0] as string });
    if (options.json) printJson(io, jsonOf(result));
    else printLine(io, sentLine(result));
    return 0;
  }
  const sent = await sendToMany(ctx, { ...input, targets: options.all === true ? 'all' : targets });
  if (options.json) printJson(io, sent.flatMap((one) => (one.ok ? [jsonOf(one.result)] : [])));
  for (const one of sent) {
    // Most refusals name the identity already (`demo-cy is stopped: …`).
    const about = (message: string) => (message.includes(one.identity) ? message : `${one.identity}: ${message}`);
    if (!one.ok) io.stderr.write(`iapeer: send: ${shown(about(one.error.message))}\n`);
    else if (!options.json) printLine(io, sentLine(one.result));
  }
  return sent.every((one) => one.ok) ? 0 : 1;
}
