import { setTimeout as sleep } from 'node:timers/promises';
import { isIapeerError } from '../../core/errors.js';
import { parseIdentity } from '../../core/names.js';
import { stateDirOf } from '../../core/paths.js';
import { readMarkers } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { Liveness } from '../../transport/tmux/pane-liveness.js';
import type { AppContext } from '../context/app-context.js';
import { lockIdentities } from '../context/locks.js';
import { reapEnded } from '../sessions/reap-ended.js';
import { type SessionContext, withSessions } from '../context/session-context.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';
import type { WakeOutcome } from '../sessions/wake-peer.js';

/** Why the keeper returned. Only `ended` is a failure: the service manager restarts the keeper then. */
export type KeepEnd =
  | { readonly reason: 'not-registered' | 'not-always-on' | 'stopped' | 'blocked' | 'signalled' }
  | { readonly reason: 'ended'; readonly exit: number | undefined };

export interface KeepOptions {
  /** Aborted on SIGTERM/SIGINT: the keeper returns, leaving the session to `stop`. */
  readonly signal: AbortSignal;
  /** Told each time the session is up (woken, or found live). */
  readonly onLive?: (wake: WakeOutcome) => void;
  /** How often liveness is checked: one tmux call each time. */
  readonly pollMs?: number;
}

const POLL_MS = 1000;
const ABORTED = Symbol('aborted');

/** The identity's record, or why it is not to be kept up. */
function keepable(ctx: AppContext, identity: string): { peer: PeerRecord; runtime: string } | { reason: 'not-registered' | 'not-always-on' | 'stopped' | 'blocked' } {
  const found = findIdentity(readRegistry(ctx.paths.registry), identity);
  if (!found) return { reason: 'not-registered' };
  if (!found.peer.alwaysOn) return { reason: 'not-always-on' };
  const markers = readMarkers(stateDirOf(ctx.paths, identity), ['stopped', 'blocked']);
  if (markers.blocked) return { reason: 'blocked' };
  if (markers.stopped) return { reason: 'stopped' };
  return found;
}

/** The promise's value, or ABORTED as soon as the signal fires. */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  // Work left behind may still fail; that is no longer anyone's to report.
  work.catch(() => undefined);
  if (signal.aborted) return ABORTED;
  let onAbort = () => {};
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Polls until the session is no longer live; ABORTED on the signal. */
async function watch(ctx: SessionContext, identity: string, options: KeepOptions): Promise<Liveness | typeof ABORTED> {
  for (;;) {
    const slept = await sleep(options.pollMs ?? POLL_MS, true, { signal: options.signal }).catch(() => false);
    if (!slept) return ABORTED;
    const seen = await ctx.sessions.inspect(identity);
    if (seen.state !== 'live') return seen;
  }
}

type SessionEnd =
  | { readonly kind: 'live-again' | 'stopped' | 'blocked' | 'relaunch' }
  | { readonly kind: 'died'; readonly exit: number | undefined };

/**
 * What the end of the session means, under the identity's lock: someone relaunched it
 * already, or it was stopped (its stop ends what is left), or it ended on purpose
 * (self-fresh, an idle reap: relaunch at once), or it died: what is left is reaped and
 * the death recorded as everywhere else (reapEnded), which may trip the crash-loop guard.
 */
async function settleEnd(ctx: SessionContext, identity: string): Promise<SessionEnd> {
  const seen = await ctx.sessions.inspect(identity);
  if (seen.state === 'live') return { kind: 'live-again' };
  const dir = stateDirOf(ctx.paths, identity);
  if (readMarkers(dir, ['stopped']).stopped) return { kind: 'stopped' };
  const reaped = await reapEnded(ctx, identity, seen);
  const markers = readMarkers(dir, ['blocked', 'deaths', 'new-eager', 'idle-reaped']);
  if (markers.blocked) return { kind: 'blocked' };
  if (reaped === 'gone') return { kind: 'died', exit: markers.deaths?.at(-1)?.exit ?? undefined };
  if (markers['new-eager'] || markers['idle-reaped']) return { kind: 'relaunch' };
  // Its death was recorded already, by whoever saw the end first.
  return { kind: 'died', exit: undefined };
}

/**
 * `daemon peer <identity>`, what an always-on peer's service runs: wake the identity, watch
 * its session (one tmux call a second) and return when it ends. A stopped, blocked or no
 * longer always-on identity is not woken. A self-fresh is relaunched at once; a death is
 * recorded and returned as `ended`, so the service manager restarts the keeper under its
 * throttle (and the crash-loop guard blocks a peer that keeps dying).
 */
export async function keepPeer(ctx: AppContext, identity: string, options: KeepOptions): Promise<KeepEnd> {
  parseIdentity(identity);
  const sctx = await withSessions(ctx);
  for (;;) {
    const target = keepable(ctx, identity);
    if ('reason' in target) return target;
    let wake: WakeOutcome | typeof ABORTED;
    try {
      // Woken as a message would (but for being always-on): a stop or block that lands meanwhile is honoured under the lock.
      wake = await unlessAborted(wakeAndDeliver(sctx, target.peer, target.runtime, 'keeper'), options.signal);
    } catch (error) {
      if (isIapeerError(error) && error.code === 'ESTOPPED') return { reason: 'stopped' };
      if (isIapeerError(error) && error.code === 'EBLOCKED') return { reason: 'blocked' };
      throw error;
    }
    if (wake === ABORTED) return { reason: 'signalled' };
    options.onLive?.(wake);

    const seen = await watch(sctx, identity, options);
    if (seen === ABORTED) return { reason: 'signalled' };
    const end = await lockIdentities(ctx, [identity], () => settleEnd(sctx, identity));
    if (end.kind === 'stopped' || end.kind === 'blocked') return { reason: end.kind };
    if (end.kind === 'died') return { reason: 'ended', exit: end.exit };
    // live-again (relaunched by someone else) or relaunch: round again.
  }
}
