import type { WakeCause, WakeMode } from '../log/events.js';
import type { MarkerName } from '../../registry/markers.js';

/**
 * Who asks for the session: `start` (operator), `launch` (`iapeer <runtime>`, always
 * fresh), `message` (a send that wakes), `eager` (the daemon relaunching a self-fresh),
 * `keeper` (an always-on peer's own service, `iapeer daemon peer`).
 */
export type WakeTrigger = 'start' | 'launch' | 'message' | 'eager' | 'keeper';

export interface WakeFacts {
  readonly live: boolean;
  readonly stopped: boolean;
  readonly blocked: boolean;
  readonly idleReaped: boolean;
  readonly newEager: boolean;
  readonly everSpawned: boolean;
  /** Kept up by its own OS service: nothing else wakes it on its own accord. */
  readonly alwaysOn: boolean;
  /**
   * Its runtime resumes by session id and none is recorded for its last session: a resume
   * could only take some other conversation (the most recent in the directory), so it starts fresh.
   */
  readonly sessionMissing: boolean;
}

export type WakeDecision =
  | {
      readonly action: 'none';
      readonly reason: 'already-live' | 'nothing-to-relaunch';
      /** Markers to clear all the same: the operator's start lifts a stale stop or block. */
      readonly clear: readonly MarkerName[];
    }
  | { readonly action: 'refuse'; readonly reason: 'stopped' | 'blocked' | 'always-on' }
  | {
      readonly action: 'spawn';
      readonly mode: WakeMode;
      readonly cause: WakeCause;
      /** Markers to clear before spawning. */
      readonly clear: readonly MarkerName[];
      /** Deliver the self-fresh handoff as the first message. */
      readonly handoff: boolean;
    };

/** Whether and how to bring an identity's session up. Pure: facts in, decision out. */
export function decideWake(facts: WakeFacts, trigger: WakeTrigger): WakeDecision {
  const byOperator = trigger === 'start' || trigger === 'launch';
  if (facts.live) return { action: 'none', reason: 'already-live', clear: byOperator ? ['stopped', 'blocked'] : [] };
  if (!byOperator) {
    if (facts.blocked) return { action: 'refuse', reason: 'blocked' };
    if (facts.stopped) return { action: 'refuse', reason: 'stopped' };
    // A message or the daemon waking an always-on peer would leave it live with no keeper.
    if (facts.alwaysOn && trigger !== 'keeper') return { action: 'refuse', reason: 'always-on' };
    if (trigger === 'eager' && !facts.newEager) return { action: 'none', reason: 'nothing-to-relaunch', clear: [] };
  }
  // The operator's start lifts a stop or a block, and forgets the deaths that caused it.
  const clear: MarkerName[] = byOperator ? ['stopped', 'blocked', 'deaths', 'idle-reaped'] : ['idle-reaped'];
  const spawn = (mode: WakeMode, cause: WakeCause): WakeDecision => ({
    action: 'spawn',
    mode,
    cause,
    clear,
    handoff: facts.newEager,
  });
  if (trigger === 'launch') return spawn('fresh', facts.newEager ? 'self-fresh' : 'operator');
  if (facts.newEager) return spawn('fresh', 'self-fresh');
  if (facts.idleReaped) return facts.sessionMissing ? spawn('fresh', 'no-session') : spawn('resume', 'idle-reaped');
  if (!facts.everSpawned) return spawn('fresh', 'first-start');
  if (facts.stopped) return spawn('fresh', 'operator');
  return spawn('fresh', 'crash-or-self-close');
}
