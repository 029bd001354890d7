import { readFile } from 'node:fs/promises';
import { SessionError } from '../../core/errors.js';
import { escapeControl } from '../../core/text/terminal-text.js';
import * as args from './tmux-args.js';

export type PaneInfo = args.PaneFields;

/**
 * What tmux says of one identity's server. `live` is the contract's: the server answers,
 * the session exists, and the agent's pane is there and not dead.
 */
export type Liveness =
  | { readonly state: 'no-server' }
  | { readonly state: 'no-session' }
  | { readonly state: 'live'; readonly pane: PaneInfo }
  | { readonly state: 'dead-pane'; readonly pane: PaneInfo };

/** What tmux printed, quoted and cut short, for an error message. */
export function printed(text: string): string {
  const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(escapeControl(cut));
}

/** A line that is not what was asked for is an error, never read as "dead" or "not live". */
function parsePane(identity: string, line: string): PaneInfo {
  const pane = args.parsePaneLine(line);
  if (!pane) throw new SessionError(`tmux printed ${printed(line)} for ${identity}, not the pane line asked for; check that tmux -V says 3.2 or later`);
  return pane;
}

/** No line at all means the session exists without the agent's pane (see listPanesArgs). */
export function livenessOf(identity: string, paneLine: string): Liveness {
  if (paneLine === '') return { state: 'no-session' };
  const pane = parsePane(identity, paneLine);
  return pane.dead ? { state: 'dead-pane', pane } : { state: 'live', pane };
}

/** The wrapper's record, when tmux did not record a dead pane's status (tmux 3.3 sometimes does not). */
export async function exitStatusOf(liveness: Liveness, exitFile: string): Promise<Liveness> {
  if (liveness.state !== 'dead-pane' || liveness.pane.exitStatus !== undefined) return liveness;
  const text = await readFile(exitFile, 'utf8').catch(() => '');
  const status = /^\d{1,3}\n?$/.test(text) ? Number(text.trim()) : undefined;
  return status === undefined ? liveness : { state: 'dead-pane', pane: { ...liveness.pane, exitStatus: status } };
}
