import { stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import type { Liveness } from '../../transport/tmux/pane-liveness.js';
import { endSession } from './end-session.js';
import { recordDeath } from './record-death.js';
import { lastSpawnUnaccounted } from './session-accounting.js';
import type { SessionContext } from '../context/session-context.js';

export type ReapedAs = 'gone' | 'zombie' | 'nothing';

const GONE_REASON: Readonly<Record<Exclude<Liveness['state'], 'live'>, string>> = {
  'dead-pane': 'exited',
  'no-session': 'session-closed',
  'no-server': 'server-gone',
};

/**
 * Ends what is left of a session that is no longer live, and puts it on record. The session
 * iapeer started last, ended behind its back, is gone: its death is recorded (which may trip
 * the crash-loop guard) with the exit status when tmux kept it. A dead pane iapeer cannot
 * account for is a zombie. Callers hold the identity's lock.
 */
export async function reapEnded(ctx: SessionContext, identity: string, seen: Exclude<Liveness, { state: 'live' }>): Promise<ReapedAs> {
  const settled = seen.state === 'dead-pane' ? await ctx.sessions.settleDeadPane(identity, seen) : seen;
  const exit = settled.state === 'dead-pane' ? settled.pane.exitStatus : undefined;
  await endSession(ctx, identity, settled.state === 'live' ? undefined : settled);
  const markers = readMarkers(stateDirOf(ctx.paths, identity));
  const withExit = exit === undefined ? {} : { exit };
  if (lastSpawnUnaccounted(markers)) {
    const { blocked } = await recordDeath(ctx, identity, exit);
    const outcome = blocked ? 'blocked' : markers['new-eager'] !== undefined ? 'eager-relaunch' : 'fresh-next-msg';
    await ctx.log.write({ ev: 'supervise', identity, action: 'reaped-gone', reason: GONE_REASON[seen.state], outcome, ...withExit });
    return 'gone';
  }
  if (seen.state === 'no-server') return 'nothing';
  await ctx.log.write({ ev: 'supervise', identity, action: 'reaped-zombie', ...withExit });
  return 'zombie';
}
