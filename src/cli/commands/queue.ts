import { flushQueue } from '../../lifecycle/messages/flush-queue.js';
import { listQueue } from '../../lifecycle/messages/list-queue.js';
import type { Verb } from '../context-from-env.js';
import { formatDuration, formatTable, printJson, printLine, shown } from '../output.js';

export interface QueueOptions {
  readonly json: boolean;
  /** Try to deliver the waiting messages now (waking down peers), then list what is left. */
  readonly flush?: boolean;
}

export async function queue(options: QueueOptions, { ctx, io }: Verb): Promise<void> {
  if (options.flush === true) await flushQueue(ctx, { ignoreBackoff: true });
  const rows = await listQueue(ctx);
  if (options.json) return printJson(io, rows);
  if (rows.length === 0) return printLine(io, 'no messages waiting');
  const now = ctx.now().getTime();
  printLine(
    io,
    formatTable(
      ['ID', 'IDENTITY', 'FROM', 'AGE', 'TRIES', 'STATE', 'NOTE'],
      rows.map((row) => [
        row.id,
        row.identity,
        row.from ?? '-',
        row.createdAt ? formatDuration(Math.max(0, Math.floor((now - Date.parse(row.createdAt)) / 1000))) : '-',
        String(row.attempts),
        row.state,
        shown(row.note ?? ''),
      ]),
    ),
  );
}
