import type { AppContext } from '../../core/context.js';
import { fleetStatus } from '../../core/fleet-status.js';
import { readRegistry } from '../../registry/read-registry.js';
import { colorizer, formatDuration, formatTable, printJson, printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

const STATE_COLOURS = { live: 32, down: 90, stopped: 33, blocked: 31 } as const;

export function list(options: { json: boolean }, ctx: AppContext): void {
  const registry = readRegistry(ctx.paths.registry);
  const rows = fleetStatus(ctx.paths, registry, ctx.now());
  if (options.json) return printJson(ctx.io, rows);
  if (rows.length === 0) return printLine(ctx.io, 'no peers yet: add one with iapeer add <peer> --runtime <runtime>');
  const paint = colorizer(ctx.io, ctx.config.noColor);
  printLine(
    ctx.io,
    formatTable(
      ['PEER', 'RUNTIME', 'STATE', 'IDLE', 'DESCRIPTION'],
      rows.map((row) => [
        row.personality,
        row.runtime,
        paint(STATE_COLOURS[row.state], row.state),
        formatDuration(row.idleSeconds),
        row.description.replace(/\s+/g, ' '),
      ]),
    ),
  );
}
