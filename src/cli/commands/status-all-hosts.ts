import { askHosts } from '../../lifecycle/hosts/ask-hosts.js';
import { type OnHost, type StatusDoc, type UnreachableHost, isUnreachable, mergeOnePerHost, readStatusDoc } from '../../lifecycle/hosts/every-host.js';
import { selectHosts } from '../../lifecycle/hosts/host-client.js';
import { statusReport } from '../../lifecycle/supervise/status-report.js';
import type { Verb } from '../context-from-env.js';
import { colorizer, formatDuration, formatTable, printJson, printLine, shown } from '../output.js';
import { warnUnreachable } from '../unreachable-hosts.js';
import type { Paint } from './list.js';
import { statusJson } from './status.js';

const DAEMON_COLOURS: Partial<Record<string, number>> = { running: 32, stopped: 33, stale: 31, unreadable: 31, unreachable: 31, 'not-running': 90 };

const HEADER = ['HOST', 'DAEMON', 'LAST-TICK', 'PEERS', 'LIVE', 'DOWN', 'STOPPED', 'BLOCKED', 'BUSY', 'IDLE', 'NEEDS-INPUT', 'WAITING', 'SET-ASIDE'] as const;

/**
 * `iapeer status --all-hosts`: this machine's status (host `local`) and every host's, asked all
 * at once, one table row or JSON document each; a host that does not answer is `unreachable`
 * and one warning line, and the verb still exits 0. A registry here that cannot be read fails
 * the verb after everything is shown, as it fails `status`.
 */
export async function statusAllHosts(options: { json: boolean }, { ctx, io }: Verb): Promise<void> {
  const remote = askHosts(ctx, selectHosts(ctx), { args: ['status', '--json'], read: readStatusDoc });
  const report = await statusReport(ctx);
  const entries = mergeOnePerHost<StatusDoc>(statusJson(report), await remote);
  if (options.json) printJson(io, entries);
  else {
    const paint = colorizer(io, ctx.config.noColor);
    const nowMs = ctx.now().getTime();
    printLine(io, formatTable(HEADER, entries.map((entry) => (isUnreachable(entry) ? unreachableCells(entry, paint) : statusCells(entry, nowMs, paint)))));
  }
  warnUnreachable(io, 'status', entries);
  if ('problem' in report.peers) throw report.peers.error;
}

function unreachableCells(entry: UnreachableHost, paint: Paint): string[] {
  return [entry.host, paint(31, entry.state), ...HEADER.slice(2).map(() => '-')];
}

/** A count of the document, `?` where it says why it has none, `-` where another version gives none. */
function count(from: Readonly<Record<string, unknown>> | undefined, key: string, problem: boolean): string {
  const value = from?.[key];
  if (typeof value === 'number') return String(value);
  return problem ? '?' : '-';
}

function statusCells(entry: OnHost<StatusDoc>, nowMs: number, paint: Paint): string[] {
  const { daemon, peers, queue } = entry;
  const colour = DAEMON_COLOURS[daemon.state];
  const tick = typeof daemon['lastTickAt'] === 'string' ? Date.parse(daemon['lastTickAt']) : Number.NaN;
  const peersUnknown = 'problem' in peers;
  const activity = typeof peers['activity'] === 'object' && peers['activity'] !== null ? (peers['activity'] as Record<string, unknown>) : undefined;
  return [
    entry.host,
    colour === undefined ? shown(daemon.state) : paint(colour, daemon.state),
    Number.isNaN(tick) ? '-' : formatDuration(Math.max(0, Math.floor((nowMs - tick) / 1000))),
    ...['total', 'live', 'down', 'stopped', 'blocked'].map((key) => count(peers, key, peersUnknown)),
    ...['busy', 'idle', 'needs-input'].map((key) => count(activity, key, peersUnknown)),
    ...['waiting', 'setAside'].map((key) => count(queue, key, 'problem' in queue)),
  ];
}
