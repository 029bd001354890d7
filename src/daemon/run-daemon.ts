import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import type { AppContext } from '../lifecycle/context/app-context.js';
import { type DaemonState, writeDaemonState } from '../lifecycle/supervise/daemon-state.js';
import { Supervisor } from '../lifecycle/supervise/supervisor.js';
import type { DaemonLog } from './daemon-log.js';
import { acquireDaemonLock } from './instance-lock.js';

/** After SIGTERM, background wakes and deliveries get this long to finish before the daemon exits. */
const SETTLE_ON_STOP_MS = 2_500;

export type DaemonExit = { readonly kind: 'stopped' } | { readonly kind: 'already-running'; readonly pid: number | undefined };

export interface DaemonRun {
  readonly ctx: AppContext;
  readonly log: DaemonLog;
  /** Aborted by SIGTERM or SIGINT: the current tick finishes, then the daemon stops. */
  readonly stop: AbortSignal;
  /** Called once the daemon holds its home, before its first tick (not when another daemon runs). */
  readonly onStarted?: () => void;
}

/**
 * The daemon: one per home, a supervise tick every interval (never two at once), its state
 * in `daemon.json` after each. Returns when stopped, or at once if another daemon runs.
 */
export async function runDaemon({ ctx, log, stop, onStarted }: DaemonRun): Promise<DaemonExit> {
  const lock = await acquireDaemonLock(ctx.paths);
  if (lock.alreadyRunning) return { kind: 'already-running', pid: lock.pid };
  const supervisor = new Supervisor(ctx, {
    onError: (error, identity) => void log.error(identity === undefined ? 'tick failed' : 'peer failed', { identity, error: messageOf(error) }),
    stop,
  });
  let state: DaemonState = {
    pid: process.pid,
    startedAt: ctx.now().toISOString(),
    version: VERSION,
    lastTickAt: null,
    tickMs: null,
    ticks: 0,
    peers: {},
    activity: {},
    queue: 0,
    stoppedAt: null,
  };
  try {
    await ctx.log.write({ ev: 'daemon', action: 'start', pid: process.pid });
    void log.info('daemon started', { pid: process.pid, interval: ctx.config.superviseIntervalMs, home: ctx.paths.home });
    await saveState(ctx, log, state);
    onStarted?.();
    while (!stop.aborted) {
      const started = performance.now();
      state = await tickOnce(supervisor, state, log, ctx);
      await saveState(ctx, log, state);
      const wait = Math.max(0, ctx.config.superviseIntervalMs - (performance.now() - started));
      await sleep(wait, undefined, { signal: stop }).catch(() => undefined);
    }
    if (!(await supervisor.settle(SETTLE_ON_STOP_MS))) void log.warn('stopping with wakes or deliveries still under way; the next daemon takes them up');
    // The final state says it stopped on purpose: `status` reads `stopped`, not `stale`.
    state = { ...state, stoppedAt: ctx.now().toISOString() };
    await saveState(ctx, log, state);
    await ctx.log.write({ ev: 'daemon', action: 'stop', pid: process.pid });
    void log.info('daemon stopped', { pid: process.pid, ticks: state.ticks });
    return { kind: 'stopped' };
  } finally {
    await log.flush();
    await lock.release();
  }
}

async function tickOnce(supervisor: Supervisor, state: DaemonState, log: DaemonLog, ctx: AppContext): Promise<DaemonState> {
  const started = performance.now();
  try {
    const report = await supervisor.tick();
    const tickMs = Math.round((performance.now() - started) * 10) / 10;
    void log.debug('tick', { ms: tickMs, peers: Object.keys(report.peers).length, decisions: report.decisions.length, queue: report.queue });
    return { ...state, lastTickAt: ctx.now().toISOString(), tickMs, ticks: state.ticks + 1, peers: report.peers, activity: report.activity, queue: report.queue };
  } catch (error) {
    // A tick that fails as a whole (an unreadable home) is logged; the next one tries again.
    void log.error('tick failed', { error: messageOf(error) });
    return { ...state, ticks: state.ticks + 1 };
  }
}

async function saveState(ctx: AppContext, log: DaemonLog, state: DaemonState): Promise<void> {
  await writeDaemonState(ctx.paths, state).catch((error: unknown) => void log.error('cannot write daemon.json', { error: messageOf(error) }));
}
