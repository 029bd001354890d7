import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { sendMessage } from '../../lifecycle/messages/send-message.js';
import type { Verb } from '../context-from-env.js';
import { printJson, printLine, shown } from '../output.js';

export interface SendOptions {
  readonly target: string;
  readonly message?: string;
  readonly messageFile?: string;
  readonly from?: string;
  readonly topic?: string;
  readonly attachment?: readonly string[];
  /** commander's `--no-wake` sets `wake: false`. */
  readonly wake?: boolean;
  readonly json?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    // Past the limit, stop reading: the send refuses it (checkBodySize, in the envelope).
    if (size > MAX_TEXT_BYTES + 4) break;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function bodyOf(options: SendOptions, cwd: string): Promise<string> {
  if ((options.message === undefined) === (options.messageFile === undefined)) {
    throw new UsageError('give exactly one of --message <text> and --message-file <file|->', 'EUSAGE');
  }
  if (options.message !== undefined) return options.message;
  const file = options.messageFile as string;
  if (file === '-') return readStdin();
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`--message-file ${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'ENOMESSAGEFILE');
  }
}

export async function send(options: SendOptions, { ctx, io }: Verb): Promise<void> {
  const body = await bodyOf(options, ctx.cwd);
  const result = await sendMessage(ctx, {
    target: options.target,
    body,
    from: options.from,
    topic: options.topic,
    attachments: options.attachment ?? [],
    noWake: options.wake === false,
  });
  if (options.json) return printJson(io, { id: result.id, target: result.target, identity: result.identity, outcome: result.outcome });
  const what =
    result.outcome === 'queued'
      ? `queued for ${result.identity} (${shown(result.reason ?? 'waiting')}); the daemon delivers it when it can`
      : `${result.outcome === 'woken-delivered' ? 'woke and delivered to' : 'delivered to'} ${result.identity}`;
  printLine(io, `${result.id}: ${what}`);
}
