import { fleetStatus } from '../../lifecycle/sessions/fleet-status.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { Verb } from '../context-from-env.js';
import { colorizer, formatDuration, formatTable, printJson, printLine, shown } from '../output.js';

const STATE_COLOURS = { live: 32, down: 90, stopped: 33, blocked: 31 } as const;
/** An agent waiting on a human stands out (bold red); the others stay quiet. */
const ACTIVITY_COLOURS: Partial<Record<string, number | string>> = { 'needs-input': '1;31', unknown: 90 };

export async function list(options: { json: boolean }, { ctx, io }: Verb): Promise<void> {
  const rows = await fleetStatus(ctx, readRegistry(ctx.paths.registry));
  if (options.json) return printJson(io, rows);
  if (rows.length === 0) return printLine(io, 'no peers yet: add one with iapeer add <peer> --runtime <runtime>');
  const paint = colorizer(io, ctx.config.noColor);
  printLine(
    io,
    formatTable(
      ['PEER', 'RUNTIME', 'STATE', 'ACTIVITY', 'IDLE', 'WAITING', 'DESCRIPTION'],
      rows.map((row) => [
        row.personality,
        row.runtime,
        paint(STATE_COLOURS[row.state], row.state),
        activityCell(row.activity, paint),
        formatDuration(row.idleSeconds),
        row.waiting === 0 ? '-' : String(row.waiting),
        shown(row.description.replace(/\s+/g, ' ')),
      ]),
    ),
  );
}

function activityCell(activity: string | null, paint: (code: number | string, text: string) => string): string {
  if (activity === null) return '-';
  const colour = ACTIVITY_COLOURS[activity];
  return colour === undefined ? activity : paint(colour, activity);
}
