import { randomUUID } from 'node:crypto';
import { eventsFileOf } from '../../core/paths.js';
import type { Runtime } from '../../runtimes/runtime.js';
import type { SessionContext } from '../context/session-context.js';
import { LaunchArgvError, choosesSessionId, launchArgv, resumeNeedsSessionId } from '../../runtimes/launch-argv.js';
import { recordedSessionId } from './session-id.js';
import { sessionValuesOf } from './spawn-check.js';
import { type WakeDecision, type WakeFacts, type WakeTrigger, decideWake } from './wake-decision.js';

type SpawnDecision = Extract<WakeDecision, { action: 'spawn' }>;

/** The facts a spawn was decided on, the trigger, and what was decided. */
export interface DecidedWake {
  readonly facts: WakeFacts;
  readonly trigger: WakeTrigger;
  readonly decided: SpawnDecision;
}

/** A launch decided: its argv, and the session id it gives the runtime or resumes. */
export interface Launch {
  readonly decision: SpawnDecision;
  readonly argv: string[];
  readonly sessionId: string | undefined;
}

/**
 * The argv of the decided spawn. A resume takes the id of the identity's last session; when
 * the runtime resumes only by id and none is recorded (or the recorded one cannot be passed),
 * the decision is taken again with that fact, and the start is fresh (`cause=no-session`).
 * A fresh start of a runtime that takes its id from iapeer gets a new uuid.
 */
export async function planLaunch(ctx: SessionContext, runtime: Runtime, identity: string, wake: DecidedWake): Promise<Launch> {
  const { decided } = wake;
  const build = (decision: SpawnDecision, sessionId: string | undefined): Launch => ({
    decision,
    sessionId,
    argv: launchArgv(runtime, {
      mode: decision.mode,
      sessionId,
      eventsFile: eventsFileOf(ctx.paths, identity),
      nodeBin: ctx.nodeBin,
      tokens: sessionValuesOf(ctx, identity),
    }),
  });
  const fresh = (decision: SpawnDecision): Launch => build(decision, choosesSessionId(runtime) ? randomUUID() : undefined);
  if (decided.mode === 'fresh') return fresh(decided);
  const recorded = await recordedSessionId(ctx.paths, identity);
  if (recorded !== undefined || !resumeNeedsSessionId(runtime)) {
    try {
      return build(decided, recorded);
    } catch (error) {
      if (!(error instanceof LaunchArgvError)) throw error;
    }
  }
  const again = decideWake({ ...wake.facts, sessionMissing: true }, wake.trigger);
  if (again.action !== 'spawn') throw new Error(`the wake of ${identity} changed its mind without a session id: a bug in iapeer`);
  return fresh(again);
}
