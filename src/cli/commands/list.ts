import { fleetStatus } from '../../lifecycle/sessions/fleet-status.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { ListedRow } from '../../lifecycle/hosts/every-host.js';
import type { Verb } from '../context-from-env.js';
import { colorizer, formatDuration, formatTable, printJson, printLine, shown } from '../output.js';

const STATE_COLOURS: Partial<Record<string, number>> = { live: 32, down: 90, stopped: 33, blocked: 31, unreachable: 31 };
/** An agent waiting on a human stands out (bold red); the others stay quiet. */
const ACTIVITY_COLOURS: Partial<Record<string, number | string>> = { 'needs-input': '1;31', unknown: 90 };

export const LIST_HEADER = ['PEER', 'RUNTIME', 'STATE', 'ACTIVITY', 'IDLE', 'WAITING', 'DESCRIPTION'] as const;

export type Paint = (code: number | string, text: string) => string;

export async function list(options: { json: boolean }, { ctx, io }: Verb): Promise<void> {
  const rows = await fleetStatus(ctx, readRegistry(ctx.paths.registry));
  if (options.json) return printJson(io, rows);
  if (rows.length === 0) return printLine(io, 'no peers yet: add one with iapeer add <peer> --runtime <runtime>');
  const paint = colorizer(io, ctx.config.noColor);
  printLine(io, formatTable(LIST_HEADER, rows.map((row) => listCells(row, paint))));
}

/** One row's cells, under LIST_HEADER: one of this host's, or one another host's `list --json` gave. */
export function listCells(row: ListedRow, paint: Paint): string[] {
  const waiting = row.waiting ?? 0;
  return [
    shown(row.personality),
    shown(row.runtime),
    stateCell(row.state, paint),
    activityCell(row.activity ?? null, paint),
    formatDuration(row.idleSeconds ?? null),
    waiting === 0 ? '-' : String(waiting),
    shown((row.description ?? '').replace(/\s+/g, ' ')),
  ];
}

export function stateCell(state: string, paint: Paint): string {
  const colour = STATE_COLOURS[state];
  return colour === undefined ? shown(state) : paint(colour, state);
}

function activityCell(activity: string | null, paint: Paint): string {
  if (activity === null) return '-';
  const colour = ACTIVITY_COLOURS[activity];
  return colour === undefined ? shown(activity) : paint(colour, activity);
}
