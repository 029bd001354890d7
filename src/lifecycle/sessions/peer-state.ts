export type PeerState = 'live' | 'down' | 'stopped' | 'blocked';

/** What `list` shows: a running session is live whatever its marks say; otherwise the marks decide. */
export function peerState(facts: { live: boolean; stopped: boolean; blocked: boolean }): PeerState {
  if (facts.live) return 'live';
  if (facts.blocked) return 'blocked';
  if (facts.stopped) return 'stopped';
  return 'down';
}

/** Seconds since the last sign of activity, never negative. */
export function idleSeconds(lastActivityMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - lastActivityMs) / 1000));
}
