import { flushNow } from '../../lifecycle/messages/flush-now.js';
import { type QueueRow, listQueue } from '../../lifecycle/messages/list-queue.js';
import type { Verb } from '../context-from-env.js';
import type { Io } from '../io.js';
import { deliveredPhrase, formatDuration, formatTable, printJson, printLine, shown } from '../output.js';

export interface QueueOptions {
  readonly json: boolean;
  /** Try to deliver the waiting messages now (waking down peers), then say what went and what is left. */
  readonly flush?: boolean;
}

function printRows(io: Io, rows: readonly QueueRow[], nowMs: number): void {
  printLine(
    io,
    formatTable(
      ['ID', 'IDENTITY', 'FROM', 'AGE', 'TRIES', 'STATE', 'NOTE'],
      rows.map((row) => [
        row.id,
        row.identity,
        row.from ?? '-',
        row.createdAt ? formatDuration(Math.max(0, Math.floor((nowMs - Date.parse(row.createdAt)) / 1000))) : '-',
        String(row.attempts),
        row.state,
        shown(row.note ?? ''),
      ]),
    ),
  );
}

export async function queue(options: QueueOptions, { ctx, io }: Verb): Promise<void> {
  if (options.flush !== true) {
    const rows = await listQueue(ctx);
    if (options.json) return printJson(io, rows);
    if (rows.length === 0) return printLine(io, 'no messages waiting');
    return printRows(io, rows, ctx.now().getTime());
  }
  const { delivered, forwarded, left } = await flushNow(ctx);
  if (options.json) return printJson(io, { delivered, forwarded, left });
  for (const { id, identity, outcome } of delivered) {
    printLine(io, `${id}: ${deliveredPhrase(outcome, identity)}`);
  }
  for (const { id, identity, there } of forwarded) printLine(io, `${id}: handed to ${identity} (${there} there)`);
  if (left.length > 0) return printRows(io, left, ctx.now().getTime());
  printLine(io, delivered.length + forwarded.length > 0 ? 'no messages left waiting' : 'no messages waiting');
}
