import { escapeControlKeepNewlines } from '../../core/text/terminal-text.js';
import { type IdentityView, type PeerView, showPeer } from '../../lifecycle/peers/show-peer.js';
import type { Verb } from '../context-from-env.js';
import { colorizer, formatDuration, printJson, printLine, shown } from '../output.js';

const STATE_COLOURS = { live: 32, down: 90, stopped: 33, blocked: 31 } as const;
/** Deaths listed one by one in the text form; --json has all that are recorded. */
const DEATHS_LISTED = 3;

/** Label and value lines, the values aligned. */
function fields(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

function quotedText(text: string | null): string {
  if (text === null || text === '') return 'none';
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > 70 ? `${flat.slice(0, 70)}…` : flat;
  return `${shown(JSON.stringify(cut))} (${Buffer.byteLength(text)} bytes)`;
}

function idleTimeout(view: PeerView): string {
  if (view.peer.alwaysOn) return 'never reaped (always-on)';
  const value = view.idleTimeoutSec === 0 ? 'never reaps' : `${view.idleTimeoutSec} s`;
  return `${value} (${view.peer.idleTimeoutSec === null ? 'IAPEER_IDLE_TIMEOUT_S' : 'its own'})`;
}

/** `busy since …`, or what it needs a human for. */
function activityText(row: IdentityView): string {
  const since = row.activitySince === null ? '' : ` since ${row.activitySince}`;
  const words = row.attention === null || row.attention === '' ? '' : ` (${shown(row.attention)})`;
  return `${row.activity ?? 'unknown'}${since}${words}`;
}

function stateLine(row: IdentityView, paint: (code: number, text: string) => string): string {
  const state = paint(STATE_COLOURS[row.state], row.state);
  if (row.state === 'live') return `${state}, ${activityText(row)}, pid ${row.pid ?? '?'}, idle ${formatDuration(row.idleSeconds)}`;
  if (row.state === 'stopped') return `${state} since ${row.stoppedAt ?? '?'} (iapeer start lifts it)`;
  if (row.state === 'blocked') {
    const { blocked } = row;
    return `${state} since ${blocked?.at ?? '?'} after ${blocked?.deaths ?? '?'} fast deaths (iapeer start lifts it)`;
  }
  return row.idleReapedAt === null ? state : `${state} (reaped idle at ${row.idleReapedAt}; the next wake resumes)`;
}

function deathsLine(row: IdentityView): string {
  if (row.deaths.length === 0) return 'none recorded';
  const last = row.deaths.slice(-DEATHS_LISTED).reverse();
  const listed = last.map((death) => `${death.at} ${death.selfFresh === true ? 'self-fresh' : `exit ${death.exit ?? '?'}`}${death.fast ? ' (fast)' : ''}`);
  return `${row.deaths.length} recorded, ${row.recentFastDeaths} fast in the last 10 min; last: ${listed.join(', ')}`;
}

function identityLines(row: IdentityView, paint: (code: number, text: string) => string): string[] {
  const started = row.spawned === null ? 'never started' : `${row.state === 'live' ? 'started' : 'last started'} ${row.spawned.at} (${row.spawned.mode}, ${shown(row.spawned.cause)})`;
  const session = row.sessionId === null ? started : `${started}, session ${shown(row.sessionId)}`;
  return [
    `${row.identity}  ${stateLine(row, paint)}`,
    ...fields([
      ['session', session],
      ['messages', `${row.waiting} waiting, ${row.setAside} set aside${row.waiting + row.setAside > 0 ? ` (iapeer queue)` : ''}`],
      ['deaths', deathsLine(row)],
    ]),
  ];
}

/** `show <peer> [--json]`: the record, each runtime's state, and the last lifecycle events about it. */
export async function show(options: { readonly peer: string; readonly json: boolean }, { ctx, io }: Verb): Promise<void> {
  const view = await showPeer(ctx, options.peer);
  if (options.json) return printJson(io, { ...view, events: view.events.map((event) => event.fields) });
  const paint = colorizer(io, ctx.config.noColor);
  const { peer } = view;
  const lines = [
    `${peer.personality}${peer.description === '' ? '' : ` - ${shown(peer.description.replace(/\s+/g, ' '))}`}`,
    ...fields([
      ['cwd', shown(peer.cwd)],
      ['runtimes', peer.runtimes.join(', ')],
      ['always-on', peer.alwaysOn ? 'yes (kept up by its OS service)' : 'no (warm: started on demand, reaped when idle)'],
      ['idle timeout', idleTimeout(view)],
      ['initial prompt', quotedText(peer.initialPrompt)],
      ['created', peer.createdAt],
      ['updated', peer.updatedAt],
    ]),
    '',
    ...view.identities.flatMap((row) => [...identityLines(row, paint), '']),
    view.events.length === 0 ? 'no lifecycle events about it yet' : `last ${view.events.length} lifecycle events (iapeer log --peer ${options.peer}):`,
    ...view.events.map((event) => escapeControlKeepNewlines(event.line)),
  ];
  printLine(io, lines.join('\n'));
}
