import { UsageError } from '../../core/errors.js';
import { escapeControlKeepNewlines } from '../../core/text/terminal-text.js';
import { peekPeer } from '../../lifecycle/sessions/peek-peer.js';
import { MAX_PEEK_LINES } from '../../transport/tmux/tmux-args.js';
import type { Verb } from '../context-from-env.js';

export interface PeekOptions {
  readonly peer: string;
  readonly runtime: string | undefined;
  readonly lines?: string;
}

function parseLines(text: string): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > MAX_PEEK_LINES) {
    throw new UsageError(`--lines ${JSON.stringify(text.slice(0, 40))}: expected a whole number of lines from 1 to ${MAX_PEEK_LINES}`, 'EINVALIDVALUE');
  }
  return Number(text);
}

/** `peek`: the agent's screen as plain text; a peer that is not live is refused (exit 1), never woken. */
export async function peek(options: PeekOptions, { ctx, io }: Verb): Promise<void> {
  const lines = options.lines === undefined ? undefined : parseLines(options.lines);
  const result = await peekPeer(ctx, { peer: options.peer, runtime: options.runtime, lines });
  // What a runtime draws is shown, never obeyed.
  if (result.lines.length > 0) io.stdout.write(`${escapeControlKeepNewlines(result.lines.join('\n'))}\n`);
}
