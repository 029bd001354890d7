import type { DaemonStatus } from '../../lifecycle/supervise/daemon-state.js';
import { type StatusReport, statusReport } from '../../lifecycle/supervise/status-report.js';
import { counted } from '../../core/text/counted.js';
import type { Verb } from '../context-from-env.js';
import type { Io } from '../io.js';
import { formatDuration, printJson, printLine, shown } from '../output.js';

/**
 * `stopped` is a clean stop recorded in daemon.json; `running` and `stale` come from its owner
 * pid; `not-running` means it never ran here.
 */
function daemonJson(daemon: DaemonStatus): { state: string } & Record<string, unknown> {
  if (daemon.kind === 'never-ran') return { state: 'not-running' };
  if (daemon.kind === 'unreadable') return { state: 'unreadable', problem: daemon.problem };
  const { pid, startedAt, version, lastTickAt, tickMs, ticks } = daemon.state;
  const fields = { state: daemon.kind, pid, startedAt, version, lastTickAt, tickMs, ticks };
  return daemon.kind === 'stopped' ? { ...fields, stoppedAt: daemon.state.stoppedAt } : fields;
}

function daemonHead(daemon: Extract<DaemonStatus, { state: unknown }>): string {
  const { state } = daemon;
  switch (daemon.kind) {
    case 'running':
      return `daemon    running (pid ${state.pid}, since ${state.startedAt}, version ${shown(state.version)})`;
    case 'stopped':
      return `daemon    stopped at ${daemon.state.stoppedAt} (pid ${state.pid}, cleanly); start it with iapeer daemon run, or iapeer daemon install`;
    case 'stale':
      return `daemon    not running (stale: pid ${state.pid} is gone); start it with iapeer daemon run, or see iapeer doctor`;
  }
}

function peersJson(peers: StatusReport['peers']): Record<string, unknown> {
  return 'problem' in peers ? { problem: peers.problem } : { ...peers.counts, total: peers.total, activity: peers.activity };
}

function daemonLines(daemon: DaemonStatus, nowMs: number): string[] {
  if (daemon.kind === 'never-ran') return ['daemon    not running (it never ran here): start it with iapeer daemon install, or iapeer daemon run'];
  if (daemon.kind === 'unreadable') return [`daemon    unknown: ${shown(daemon.problem)}`];
  const { state } = daemon;
  const head = daemonHead(daemon);
  if (state.lastTickAt === null) return [head, 'last tick none yet'];
  const ago = formatDuration(Math.max(0, Math.floor((nowMs - Date.parse(state.lastTickAt)) / 1000)));
  return [head, `last tick ${ago} ago, took ${state.tickMs ?? '?'} ms (${counted(state.ticks, 'tick')})`];
}

/**
 * What can be known is shown; a registry that cannot be read then fails the verb (exit 1,
 * naming the file and the problem), as it fails every verb that needs it.
 */
export async function status(options: { readonly json: boolean }, { ctx, io }: Verb): Promise<void> {
  const report = await statusReport(ctx);
  render(options, io, report, ctx.now().getTime());
  if ('problem' in report.peers) throw report.peers.error;
}

/** What `status --json` prints. */
export function statusJson(report: StatusReport): { daemon: { state: string } & Record<string, unknown>; peers: Record<string, unknown>; queue: StatusReport['queue'] } {
  return { daemon: daemonJson(report.daemon), peers: peersJson(report.peers), queue: report.queue };
}

function render(options: { readonly json: boolean }, io: Io, report: StatusReport, nowMs: number): void {
  if (options.json) return printJson(io, statusJson(report));
  const { queue } = report;
  const { peers } = report;
  const fleet =
    'problem' in peers
      ? ['peers     unknown']
      : [
          `peers     ${peers.total} in all: ${peers.counts.live} live, ${peers.counts.down} down, ${peers.counts.stopped} stopped, ${peers.counts.blocked} blocked`,
          `activity  ${peers.activity.busy} busy, ${peers.activity.idle} idle, ${peers.activity['needs-input']} needs-input, ${peers.activity.unknown} unknown`,
        ];
  printLine(
    io,
    [
      ...daemonLines(report.daemon, nowMs),
      ...fleet,
      'problem' in queue ? `queue     unknown: ${shown(queue.problem)}` : `queue     ${queue.waiting} waiting, ${queue.setAside} set aside`,
    ].join('\n'),
  );
}
