import { setTimeout as sleep } from 'node:timers/promises';
import { type BoundedResult, type BoundedRun, runBounded } from '../core/process/run-bounded.js';
import type { LifecycleLog } from '../lifecycle/log/lifecycle-log.js';
import { followLog } from '../lifecycle/log/follow-log.js';
import { timeOfLine } from '../lifecycle/log/log-filter.js';
import { type Notice, type NotifyOutcome, noticeEnv, noticeOfLine, outcomeOf } from './notice.js';

/** A command that takes longer is killed with its process group (README, "Configuration"). */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Notices waiting their turn; past this, the oldest are dropped (and logged). */
export const MAX_WAITING = 100;
/** After a failure to read the lifecycle log, the next try. */
const FOLLOW_RETRY_MS = 5000;
/** What a stop gives a command it cuts short: TERM, then KILL after this. */
const STOP_KILL_GRACE_MS = 500;

export interface NotifierOptions {
  /** IAPEER_ON_ATTENTION's argv. */
  readonly argv: readonly string[];
  readonly lifecycleLog: Pick<LifecycleLog, 'file' | 'write'>;
  /** The daemon's environment, which the command gets with the event's variables. */
  readonly env: Readonly<Record<string, string>>;
  /** Epoch ms: lines stamped before (the daemon's start) are never notified. */
  readonly sinceMs: number;
  /** A failure to read the log (then retried); the notifier goes on. */
  readonly onError: (error: unknown) => void;
  readonly timeoutMs?: number;
  readonly maxWaiting?: number;
  readonly pollMs?: number;
  readonly run?: (run: BoundedRun) => Promise<BoundedResult>;
}

/**
 * The daemon's IAPEER_ON_ATTENTION: follows the lifecycle log from the daemon's start and
 * runs the command once for each attention episode opened and each blocker, whoever wrote
 * the line. One command at a time, in order; nothing it does (a failure, a hang) reaches
 * the caller, which never waits for it but at `stop`.
 */
export class Notifier {
  private readonly waiting: Notice[] = [];
  private readonly following = new AbortController();
  private readonly killing = new AbortController();
  private readonly run: (run: BoundedRun) => Promise<BoundedResult>;
  private busy = false;
  private idle: Promise<void> = Promise.resolve();
  private followed: Promise<void> = Promise.resolve();
  private stopping = false;
  private recorded: Promise<void> = Promise.resolve();

  constructor(private readonly options: NotifierOptions) {
    this.run = options.run ?? runBounded;
  }

  /** Starts following the log; returns at once. */
  start(): void {
    this.followed = this.follow();
  }

  /** Queues a notice behind those waiting; past the bound, the oldest waiting one is dropped. */
  offer(notice: Notice): void {
    if (this.stopping) return;
    const max = this.options.maxWaiting ?? MAX_WAITING;
    while (this.waiting.length >= max) {
      const dropped = this.waiting.shift();
      if (dropped) void this.record(dropped, { outcome: 'failed', reason: `dropped: more than ${max} waiting` });
    }
    this.waiting.push(notice);
    this.pump();
  }

  /**
   * Stops following, lets the command running and those waiting finish within `budgetMs`,
   * then kills what still runs; what never ran is logged as such. True if nothing was cut short.
   */
  async stop(budgetMs: number): Promise<boolean> {
    const deadline = Date.now() + budgetMs;
    this.following.abort();
    await this.followed;
    // The kill and its grace come out of the budget too.
    const finished = await within(this.idle.then(() => this.waiting.length === 0), deadline - Date.now() - STOP_KILL_GRACE_MS - 200);
    this.stopping = true;
    if (finished === true) {
      await this.recorded;
      return true;
    }
    const left = this.waiting.splice(0);
    this.killing.abort();
    await within(this.idle, deadline - Date.now());
    for (const notice of left) void this.record(notice, { outcome: 'failed', reason: 'not run: the daemon stopped' });
    await this.recorded;
    return false;
  }

  private pump(): void {
    if (this.busy) return;
    this.busy = true;
    this.idle = (async () => {
      try {
        // Checked and cleared with no await between, so a notice offered meanwhile is never stranded.
        for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) await this.notify(next);
      } finally {
        this.busy = false;
      }
    })();
  }

  private async notify(notice: Notice): Promise<void> {
    const { argv, env } = this.options;
    let outcome: NotifyOutcome;
    try {
      const result = await this.run({
        argv,
        env: noticeEnv(env, notice),
        timeoutMs: this.options.timeoutMs ?? NOTIFY_TIMEOUT_MS,
        signal: this.killing.signal,
        abortGraceMs: STOP_KILL_GRACE_MS,
      });
      outcome = outcomeOf(result, argv, env['PATH']);
    } catch (error) {
      outcome = { outcome: 'failed', reason: String(error) };
    }
    await this.record(notice, outcome);
  }

  /** Lines are written in the order they are recorded: two appends at once may land either way round. */
  private record(notice: Notice, outcome: NotifyOutcome): Promise<void> {
    const write = () => this.options.lifecycleLog.write({ ev: 'notify', identity: notice.identity, event: notice.event, ...outcome });
    this.recorded = this.recorded.then(write).catch(() => undefined);
    return this.recorded;
  }

  /** Reads the log as it grows; a failure to read is reported and retried after the lines already seen. */
  private async follow(): Promise<void> {
    const { signal } = this.following;
    let notBeforeMs = this.options.sinceMs;
    let newestSeen = Number.NEGATIVE_INFINITY;
    while (!signal.aborted) {
      try {
        const lines = followLog(this.options.lifecycleLog.file, {
          signal,
          notBeforeMs,
          ...(this.options.pollMs === undefined ? {} : { pollMs: this.options.pollMs }),
        });
        for await (const batch of lines) {
          for (const line of batch) {
            const notice = noticeOfLine(line, notBeforeMs);
            if (notice !== undefined) this.offer(notice);
            const ts = timeOfLine(line);
            if (ts > newestSeen) newestSeen = ts;
          }
        }
      } catch (error) {
        this.options.onError(error);
        // Read again from the start, past what was seen: a line may be missed, never told twice.
        notBeforeMs = Math.max(notBeforeMs, newestSeen + 1);
        await sleep(FOLLOW_RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

/** The promise's value if it settles within `ms`, else undefined. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms))));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
