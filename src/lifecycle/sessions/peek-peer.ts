import { RefusedError } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import { requireTarget } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { Liveness } from '../../transport/tmux/pane-liveness.js';
import type { AppContext } from '../context/app-context.js';
import { withSessions } from '../context/session-context.js';

export interface PeekInput {
  readonly peer: string;
  readonly runtime: string | undefined;
  /** The last this many lines of history and screen; the visible screen when absent. */
  readonly lines?: number | undefined;
}

export interface Peek {
  readonly identity: string;
  /** The pane's lines as drawn, without colours; the blank lines below the last drawn one left out. */
  readonly lines: readonly string[];
}

/** The lines of a capture, without the blank ones at the bottom, and the last `count` of them if asked. */
export function lastLines(text: string, count: number | undefined): string[] {
  const lines = text.split('\n');
  while (lines.length > 0 && (lines.at(-1) as string).trim() === '') lines.pop();
  return count === undefined ? lines : lines.slice(-count);
}

/** Why there is no screen to show, in the words of `list` (stopped, blocked, down) or of the pane. */
function notLive(ctx: AppContext, identity: string, liveness: Liveness, start: string): RefusedError {
  let what = 'down';
  if (liveness.state === 'dead-pane') {
    what = `not live (its runtime exited${liveness.pane.exitStatus === undefined ? '' : ` with status ${liveness.pane.exitStatus}`})`;
  } else {
    const markers = readMarkers(stateDirOf(ctx.paths, identity), ['stopped', 'blocked']);
    if (markers.blocked) what = 'blocked';
    else if (markers.stopped) what = 'stopped';
  }
  return new RefusedError(`${identity} is ${what}: there is no screen to show, and peek never starts a peer (${start} does)`, 'ENOTLIVE');
}

/**
 * `peek`: the agent's screen as text, read in one tmux call, without attaching and without
 * changing anything. A peer that is not live is refused, never woken.
 */
export async function peekPeer(ctx: AppContext, input: PeekInput): Promise<Peek> {
  const { peer, runtime } = requireTarget(readRegistry(ctx.paths.registry), input.peer, input.runtime);
  const identity = formatIdentity({ runtime, personality: peer.personality });
  const sctx = await withSessions(ctx);
  // The history asked for holds the last lines even when the screen below them is blank.
  const { liveness, text } = await sctx.sessions.text(identity, input.lines);
  if (liveness.state !== 'live') {
    throw notLive(ctx, identity, liveness, `iapeer start ${peer.personality}${runtime === peer.runtimes[0] ? '' : ` ${runtime}`}`);
  }
  return { identity, lines: lastLines(text, input.lines) };
}
