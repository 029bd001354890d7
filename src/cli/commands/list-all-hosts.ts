import { askHosts } from '../../lifecycle/hosts/ask-hosts.js';
import { type ListedRow, isUnreachable, mergeByHost, readListRows } from '../../lifecycle/hosts/every-host.js';
import { selectHosts } from '../../lifecycle/hosts/host-client.js';
import { fleetStatus } from '../../lifecycle/sessions/fleet-status.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { Verb } from '../context-from-env.js';
import { colorizer, formatTable, printJson, printLine } from '../output.js';
import { warnUnreachable } from '../unreachable-hosts.js';
import { LIST_HEADER, listCells, stateCell } from './list.js';

/**
 * `iapeer list --all-hosts`: this machine's rows (host `local`) and those of every host of
 * hosts.json, asked all at once; a host that does not answer is one `unreachable` entry and
 * one warning line, and the verb still exits 0. Its own bundle, so that `list` loads no ssh.
 */
export async function listAllHosts(options: { json: boolean }, { ctx, io }: Verb): Promise<void> {
  // Asked before the local rows are read: the hosts' answers take the longest.
  const remote = askHosts(ctx, selectHosts(ctx), { args: ['list', '--json'], read: readListRows });
  const local = await fleetStatus(ctx, readRegistry(ctx.paths.registry));
  const entries = mergeByHost<ListedRow>(local, await remote);
  if (options.json) printJson(io, entries);
  else if (entries.length === 0) printLine(io, 'no peers on any host yet: add one with iapeer add <peer> --runtime <runtime>');
  else {
    const paint = colorizer(io, ctx.config.noColor);
    const dash = LIST_HEADER.slice(3).map(() => '-');
    printLine(
      io,
      formatTable(
        ['HOST', ...LIST_HEADER],
        entries.map((entry) => (isUnreachable(entry) ? [entry.host, '-', '-', stateCell(entry.state, paint), ...dash] : [entry.host, ...listCells(entry, paint)])),
      ),
    );
  }
  warnUnreachable(io, 'list', entries);
}
