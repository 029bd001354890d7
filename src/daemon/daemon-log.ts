import type { FileHandle } from 'node:fs/promises';
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LOG_LEVELS, type Config, type LogLevel } from '../core/config.js';
import { errnoCode } from '../core/errors.js';
import { formatLine } from '../core/text/logfmt.js';
import { type Paths, ensurePrivateDir } from '../core/paths.js';
import { openAppendRegular } from '../core/fs/safe-fs.js';
import { rotateLog } from '../lifecycle/log/rotate-log.js';
import { type LogFields, type RepeatSummary, type Sample, RepeatLimiter, repeatKey } from './limit-repeats.js';

/** Names the logger writes itself; a caller's field of that name gets a `_` suffix. */
const RESERVED = new Set(['ts', 'level', 'msg', 'repeated', 'last']);
/** Levels never rate-limited: debug is asked for to see every tick, fatal is the last word. */
const UNLIMITED: ReadonlySet<LogLevel> = new Set(['debug', 'fatal']);

function safeKey(key: string): string {
  const clean = key.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';
  return RESERVED.has(clean) ? `${clean}_` : clean;
}

export function rankOf(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export interface DaemonLogOptions {
  /** Messages below this level are dropped. */
  readonly level: LogLevel;
  /** Rotate past this size, keeping `keep` files (`.1` newest). */
  readonly maxBytes: number;
  readonly keep: number;
  readonly now?: () => Date;
  readonly repeatWindowMs?: number;
  readonly maxRepeatKeys?: number;
  /** Told of a failure to write, once until a write succeeds again; the daemon goes on. */
  readonly onError?: (error: unknown) => void;
}

/** The open log and which file it is, to notice another writer's rotation. */
interface Open {
  readonly handle: FileHandle;
  readonly dev: number;
  readonly ino: number;
}

/**
 * The daemon's leveled logfmt log: `ts=… level=… msg=… key=value…`. Each line is one
 * O_APPEND write under 4 KiB, so several writers never interleave. The file stays open
 * between writes; before each write its path is checked to still name the open file, so
 * a rotation (ours or another writer's) or a removal is followed by a reopen. Writes are
 * queued in order; a failure never throws: it is reported once, the lines lost are
 * counted and said when writing works again.
 */
export class DaemonLog {
  private readonly now: () => Date;
  private readonly limiter: RepeatLimiter;
  private readonly threshold: number;
  private open: Open | undefined;
  private queue: Promise<void> = Promise.resolve();
  private failing = false;
  private lost = 0;

  constructor(
    readonly file: string,
    private readonly options: DaemonLogOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.limiter = new RepeatLimiter(options.repeatWindowMs, options.maxRepeatKeys);
    this.threshold = rankOf(options.level);
  }

  /** Whether a message at this level would be written; spares building costly fields. */
  isEnabled(level: LogLevel): boolean {
    return rankOf(level) >= this.threshold;
  }

  /** Rate-limited keys held now (bounded by `maxRepeatKeys`). */
  get trackedKeys(): number {
    return this.limiter.size;
  }

  debug(msg: string, fields?: LogFields): Promise<void> {
    return this.log('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): Promise<void> {
    return this.log('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): Promise<void> {
    return this.log('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): Promise<void> {
    return this.log('error', msg, fields);
  }

  fatal(msg: string, fields?: LogFields): Promise<void> {
    return this.log('fatal', msg, fields);
  }

  /** Queues the line; the promise settles (never rejects) once it is written or dropped. */
  log(level: LogLevel, msg: string, fields: LogFields = {}): Promise<void> {
    const now = this.now();
    const at = now.getTime();
    const lines: string[] = [];
    if (!this.isEnabled(level) || UNLIMITED.has(level)) {
      lines.push(...this.limiter.sweep(at).map((summary) => this.summaryLine(now, summary)));
      if (this.isEnabled(level)) lines.push(this.line(now, { level, msg, fields }, 0));
    } else {
      const decision = this.limiter.see(repeatKey(level, msg, fields), at, { level, msg, fields });
      if (decision.write) lines.push(this.line(now, { level, msg, fields }, decision.repeated));
      lines.push(...decision.summaries.map((summary) => this.summaryLine(now, summary)));
    }
    return this.enqueue(lines);
  }

  /** Waits until every queued line is written or dropped. */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Writes the counts of repeats not yet reported, then closes the file; a later line reopens it. */
  async close(): Promise<void> {
    const now = this.now();
    await this.enqueue(this.limiter.drain().map((summary) => this.summaryLine(now, summary)));
    await this.closeFile();
  }

  private line(now: Date, sample: Sample, repeated: number, lastAt?: number): string {
    return formatLine([
      ['ts', now.toISOString()],
      ['level', sample.level],
      ['msg', sample.msg],
      ...Object.entries(sample.fields).map(([key, value]) => [safeKey(key), value] as const),
      ['repeated', repeated > 0 ? repeated : undefined],
      ['last', lastAt === undefined ? undefined : new Date(lastAt).toISOString()],
    ]);
  }

  /** Repeats that stopped before a next line could say so: the last one's fields, with their count and time. */
  private summaryLine(now: Date, summary: RepeatSummary): string {
    return this.line(now, summary, summary.repeated, summary.lastAt);
  }

  private enqueue(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return this.queue;
    this.queue = this.queue.then(async () => {
      for (const line of lines) await this.append(`${line}\n`);
    });
    return this.queue;
  }

  private async append(line: string): Promise<void> {
    let size: number;
    try {
      const { handle } = await this.current();
      if (this.lost > 0) {
        const notice = formatLine([
          ['ts', this.now().toISOString()],
          ['level', 'warn'],
          ['msg', 'daemon log lines lost while the log could not be written'],
          ['lost', this.lost],
        ]);
        await handle.write(`${notice}\n`);
        this.lost = 0;
      }
      await handle.write(line);
      size = (await handle.stat()).size;
      this.failing = false;
    } catch (error) {
      this.lost++;
      await this.closeFile();
      this.fail(error);
      return;
    }
    if (size > this.options.maxBytes) {
      await this.closeFile();
      // The line is written; a rotation that fails is reported but loses nothing.
      await rotateLog(this.file, this.options).catch((error: unknown) => this.fail(error));
    }
  }

  /** The open log, reopened when its path no longer names the open file. */
  private async current(): Promise<Open> {
    if (this.open) {
      const onDisk = await lstat(this.file).catch((error: unknown) => {
        if (errnoCode(error) === 'ENOENT') return undefined;
        throw error;
      });
      if (onDisk && onDisk.ino === this.open.ino && onDisk.dev === this.open.dev) return this.open;
      await this.closeFile();
    }
    await ensurePrivateDir(dirname(this.file), 'log directory');
    const handle = await openAppendRegular(this.file, 'daemon log');
    try {
      const info = await handle.stat();
      this.open = { handle, dev: info.dev, ino: info.ino };
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    return this.open;
  }

  private async closeFile(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    await open?.handle.close().catch(() => {});
  }

  private fail(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    try {
      this.options.onError?.(error);
    } catch {
      // A callback that throws must not stop the daemon.
    }
  }
}

/** The daemon's log as the environment configured it (level, rotation like the lifecycle log). */
export function createDaemonLog(
  ctx: {
    readonly config: Pick<Config, 'logLevel' | 'lifecycleLogMaxBytes' | 'lifecycleLogKeep'>;
    readonly paths: Pick<Paths, 'daemonLog'>;
    readonly now?: () => Date;
  },
  options: Pick<DaemonLogOptions, 'onError' | 'repeatWindowMs' | 'maxRepeatKeys'> = {},
): DaemonLog {
  return new DaemonLog(ctx.paths.daemonLog, {
    level: ctx.config.logLevel,
    maxBytes: ctx.config.lifecycleLogMaxBytes,
    keep: ctx.config.lifecycleLogKeep,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...options,
  });
}
