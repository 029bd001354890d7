import { UsageError } from '../../core/errors.js';
import { escapeControlKeepLayout } from '../../core/text/terminal-text.js';
import { type Handled, type ShownMessage, dropQueued, dropSetAside, retryQueued, showQueued } from '../../lifecycle/messages/manage-queue.js';
import type { Verb } from '../context-from-env.js';
import type { Io } from '../io.js';
import { formatDuration, printJson, printLine, shown } from '../output.js';

function ago(at: string, nowMs: number): string {
  return `${at} (${formatDuration(Math.max(0, Math.floor((nowMs - Date.parse(at)) / 1000)))} ago)`;
}

function stateOf({ state, message, problem }: ShownMessage): string {
  if (message === undefined) return `unreadable (${shown(problem ?? 'invalid')})`;
  return message.setAsideReason === undefined ? state : `${state} (${shown(message.setAsideReason)})`;
}

function recordLines(shownMessage: ShownMessage, nowMs: number): string[] {
  const { message } = shownMessage;
  const rows: Array<[string, string]> = [
    ['id', shownMessage.id],
    ['identity', shownMessage.identity],
    ['state', stateOf(shownMessage)],
    ['file', shown(shownMessage.file)],
  ];
  if (message !== undefined) {
    rows.push(
      ['from', message.from],
      ['topic', message.topic],
      ['created', ago(message.createdAt, nowMs)],
      ['attempts', String(message.attempts)],
    );
    if (shownMessage.state === 'waiting') rows.push(['next try', message.nextAttemptAt]);
    if (message.lastError !== null && message.lastError !== message.setAsideReason) rows.push(['last error', shown(message.lastError)]);
    if (message.pastedAt !== null) rows.push(['pasted at', message.pastedAt]);
    if (message.first === true) rows.push(['first', 'yes: the session’s first message, delivered before the others']);
    rows.push(['size', `${Buffer.byteLength(message.text)} bytes`]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}

/** `queue show <id> [--json]`: the record, then the text as it will be pasted. */
export async function queueShow(options: { readonly id: string; readonly json: boolean }, { ctx, io }: Verb): Promise<void> {
  const found = await showQueued(ctx, options.id);
  if (options.json) {
    const { id, identity, state, file, message, problem } = found;
    return printJson(io, { id, identity, state: message === undefined ? 'unreadable' : state, file, ...(message === undefined ? { problem } : { message }) });
  }
  const lines = recordLines(found, ctx.now().getTime());
  // The text was cleaned of controls when it was queued; shown, never obeyed, all the same.
  if (found.message !== undefined) lines.push('', escapeControlKeepLayout(found.message.text));
  printLine(io, lines.join('\n'));
}

const WAS = { waiting: 'waiting', 'set-aside': 'set aside' } as const;

/** One line per message done, one stderr line per failure; exit 1 if any failed. */
function report(io: Io, handled: readonly Handled[], done: (one: Extract<Handled, { ok: true }>) => string, none: string): number {
  if (handled.length === 0) printLine(io, none);
  for (const one of handled) {
    if (one.ok) printLine(io, done(one));
    else io.stderr.write(`iapeer: queue: ${shown(one.error)}\n`);
  }
  return handled.every((one) => one.ok) ? 0 : 1;
}

/** `queue drop <id>…` or `queue drop --set-aside [peer|identity]`. */
export async function queueDrop(options: { readonly ids: readonly string[]; readonly setAside: string | boolean | undefined }, { ctx, io }: Verb): Promise<number> {
  if (options.setAside !== undefined && options.ids.length > 0) throw new UsageError('give message ids or --set-aside, not both');
  if (options.setAside === undefined) {
    return report(io, await dropQueued(ctx, options.ids), (one) => `dropped ${one.id} (${WAS[one.was]}, for ${one.identity})`, '');
  }
  const word = typeof options.setAside === 'string' ? options.setAside : undefined;
  const handled = await dropSetAside(ctx, word);
  return report(io, handled, (one) => `dropped ${one.id} (set aside, for ${one.identity})`, `no set-aside messages${word === undefined ? '' : ` for ${word}`}: nothing to drop`);
}

/** `queue retry <id>…`: back in line for the daemon (or `queue --flush`). */
export async function queueRetry(options: { readonly ids: readonly string[] }, { ctx, io }: Verb): Promise<number> {
  return report(
    io,
    await retryQueued(ctx, options.ids),
    (one) => `${one.id} is back in line for ${one.identity} (it was ${WAS[one.was]}); the daemon delivers it, or now: iapeer queue --flush`,
    '',
  );
}
