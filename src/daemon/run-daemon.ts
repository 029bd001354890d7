import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../core/errors.js';
import { findExecutable } from '../core/process/process.js';
import { VERSION } from '../core/version.js';
import type { AppContext } from '../lifecycle/context/app-context.js';
import { type DaemonState, writeDaemonState } from '../lifecycle/supervise/daemon-state.js';
import { Supervisor } from '../lifecycle/supervise/supervisor.js';
import type { DaemonLog } from './daemon-log.js';
import { acquireDaemonLock } from './instance-lock.js';
import { Notifier } from './notifier.js';

/** After SIGTERM, background wakes, deliveries and notifications get this long to finish before the daemon exits. */
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
 * in `daemon.json` after each, and IAPEER_ON_ATTENTION's command run beside the ticks, never
 * in their way. Returns when stopped, or at once if another daemon runs.
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
  const notifier = startNotifier(ctx, log, Date.parse(state.startedAt));
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
    const [settled, notified] = await Promise.all([supervisor.settle(SETTLE_ON_STOP_MS), notifier?.stop(SETTLE_ON_STOP_MS) ?? true]);
    if (!settled) void log.warn('stopping with wakes or deliveries still under way; the next daemon takes them up');
    if (!notified) void log.warn('stopping with IAPEER_ON_ATTENTION still running or waiting; what was cut short is logged ev=notify outcome=failed');
    // The final state says it stopped on purpose: `status` reads `stopped`, not `stale`.
    state = { ...state, stoppedAt: ctx.now().toISOString() };
    await saveState(ctx, log, state);
    await ctx.log.write({ ev: 'daemon', action: 'stop', pid: process.pid });
    void log.info('daemon stopped', { pid: process.pid, ticks: state.ticks });
    return { kind: 'stopped' };
  } finally {
    // A throw above leaves no command running nor any log followed.
    await notifier?.stop(0);
    await log.flush();
    await lock.release();
  }
}

/**
 * IAPEER_ON_ATTENTION, when set: notified of the lines stamped from the daemon's start on.
 * A command that is not there now is said once in daemon.log; each run still tries it.
 */
function startNotifier(ctx: AppContext, log: DaemonLog, sinceMs: number): Notifier | undefined {
  const argv = ctx.config.onAttention;
  if (argv === null) return undefined;
  const notifier = new Notifier({
    argv,
    lifecycleLog: ctx.log,
    env: ctx.childEnv,
    sinceMs,
    onError: (error) => void log.error('cannot follow the lifecycle log for IAPEER_ON_ATTENTION', { error: messageOf(error) }),
  });
  notifier.start();
  void findExecutable(argv[0] ?? '', ctx.childEnv['PATH']).then((found) => {
    if (found === undefined) {
      void log.warn('IAPEER_ON_ATTENTION names no executable file; each notification will fail until it does', { command: argv[0], path: ctx.childEnv['PATH'] });
    }
  });
  return notifier;
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
