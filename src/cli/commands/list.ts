import { fleetStatus } from '../../lifecycle/sessions/observe-fleet.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { Verb } from '../context-from-env.js';
import { colorizer, formatDuration, formatTable, printJson, printLine, shown } from '../output.js';

const STATE_COLOURS = { live: 32, down: 90, stopped: 33, blocked: 31 } as const;

export function list(options: { json: boolean }, { ctx, io }: Verb): void {
  const rows = fleetStatus(ctx.paths, readRegistry(ctx.paths.registry), ctx.now(), { bin: ctx.config.tmuxBin, env: ctx.childEnv });
  if (options.json) return printJson(io, rows);
  if (rows.length === 0) return printLine(io, 'no peers yet: add one with iapeer add <peer> --runtime <runtime>');
  const paint = colorizer(io, ctx.config.noColor);
  printLine(
    io,
    formatTable(
      ['PEER', 'RUNTIME', 'STATE', 'IDLE', 'WAITING', 'DESCRIPTION'],
      rows.map((row) => [
        row.personality,
        row.runtime,
        paint(STATE_COLOURS[row.state], row.state),
        formatDuration(row.idleSeconds),
        row.waiting === 0 ? '-' : String(row.waiting),
        shown(row.description.replace(/\s+/g, ' ')),
      ]),
    ),
  );
}
