import { UsageError } from '../../core/errors.js';
import { MAX_IDLE_TIMEOUT_SEC } from '../../core/limits.js';
import { addPeer } from '../../lifecycle/peers/add-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';

export interface AddOptions {
  readonly peer: string;
  readonly runtime?: readonly string[];
  readonly cwd?: string;
  readonly description?: string;
  readonly alwaysOn?: boolean;
  readonly idleTimeout?: string;
  readonly initialPrompt?: string;
}

function parseIdleTimeout(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) > MAX_IDLE_TIMEOUT_SEC) {
    throw new UsageError(
      `--idle-timeout ${JSON.stringify(text)}: expected whole seconds from 0 (never reaps) to ${MAX_IDLE_TIMEOUT_SEC}`,
      'EINVALIDVALUE',
    );
  }
  return Number(text);
}

export async function add(options: AddOptions, { ctx, io }: Verb): Promise<void> {
  const result = await addPeer(ctx, {
    peer: options.peer,
    ...(options.runtime === undefined ? {} : { runtimes: options.runtime }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.alwaysOn === undefined ? {} : { alwaysOn: options.alwaysOn }),
    ...(options.idleTimeout === undefined ? {} : { idleTimeoutSec: parseIdleTimeout(options.idleTimeout) }),
    ...(options.initialPrompt === undefined ? {} : { initialPrompt: options.initialPrompt }),
  });
  const dropped = result.dropped.length > 0 ? `; dropped ${result.dropped.join(', ')}` : '';
  printLine(io, `${result.action === 'created' ? 'added' : 'updated'} ${result.personality} (${result.runtimes.join(', ')})${dropped}`);
}
