import { anyLineMatches } from './composer.js';

/**
 * When a runtime is ready for input, decided from successive screen captures (see the
 * README). `strict` is the gate before anything is pasted: the ready pattern on
 * 3 consecutive polls 200 ms apart, then a 300 ms settle. `first-sight` is what `start`
 * waits for: the pattern seen once. A runtime without a pattern is ready once its screen,
 * blank or not, has not changed for 2 s, in either mode.
 */

export type GateMode = 'strict' | 'first-sight';

export const STRICT_POLL_MS = 200;
export const STRICT_STREAK = 3;
export const SETTLE_MS = 300;
export const FIRST_SIGHT_POLL_MS = 25;
export const QUIET_SCREEN_MS = 2000;
export const WAKE_TIMEOUT_MS = 120_000;

export interface GateState {
  readonly streak: number;
  readonly screen: string | undefined;
  readonly unchangedSince: number;
}

export type GateStep =
  | { readonly kind: 'poll'; readonly afterMs: number; readonly state: GateState }
  | { readonly kind: 'ready'; readonly afterMs: number };

export const INITIAL_GATE: GateState = { streak: 0, screen: undefined, unchangedSince: 0 };

export function gateStep(pattern: RegExp | undefined, mode: GateMode, state: GateState, screen: string, now: number): GateStep {
  const pollMs = mode === 'strict' ? STRICT_POLL_MS : FIRST_SIGHT_POLL_MS;
  if (pattern === undefined) {
    const unchangedSince = screen === state.screen ? state.unchangedSince : now;
    if (now - unchangedSince >= QUIET_SCREEN_MS) return { kind: 'ready', afterMs: 0 };
    return { kind: 'poll', afterMs: STRICT_POLL_MS, state: { streak: 0, screen, unchangedSince } };
  }
  const streak = matchesLine(pattern, screen) ? state.streak + 1 : 0;
  if (mode === 'first-sight' && streak >= 1) return { kind: 'ready', afterMs: 0 };
  if (streak >= STRICT_STREAK) return { kind: 'ready', afterMs: SETTLE_MS };
  return { kind: 'poll', afterMs: pollMs, state: { streak, screen, unchangedSince: now } };
}

/** The pattern is tried against each screen line on its own, so `^` anchors a line start and `\s` never crosses lines. */
export function matchesLine(pattern: RegExp, screen: string): boolean {
  return anyLineMatches(pattern, screen);
}
