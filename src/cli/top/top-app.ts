import type { ReadStream, WriteStream } from 'node:tty';
import { messageOf } from '../../core/errors.js';
import type { AppContext } from '../../lifecycle/context/app-context.js';
import { LogTail } from '../../lifecycle/log/log-tail.js';
import { type StatusReport, statusReport } from '../../lifecycle/supervise/status-report.js';
import type { Glyphs } from './glyphs.js';
import { TerminalScreen } from './terminal-screen.js';
import type { Verbs } from './top-actions.js';
import { frame } from './top-frame.js';
import { parseKeys } from './top-keys.js';
import { type Effect, INITIAL, type Shown, type TopState, reduce } from './top-state.js';

export interface TopInput {
  readonly ctx: AppContext;
  readonly stdin: ReadStream;
  readonly stdout: WriteStream;
  readonly glyphs: Glyphs;
  readonly color: boolean;
  readonly verbs: Verbs;
  /** How often the fleet is read again; a frame is drawn after each read, each key and each log line. */
  readonly refreshMs?: number;
}

const REFRESH_MS = 1000;
const QUIT_SIGNALS = { SIGTERM: 15, SIGHUP: 1, SIGINT: 2 } as const;

/** What each action says while it runs. */
const DOING: Readonly<Record<'stop' | 'start' | 'interrupt' | 'send', string>> = { stop: 'stopping', start: 'starting', interrupt: 'interrupting', send: 'sending to' };

/**
 * `iapeer top`: the fleet as `status` and `list` read it, once a second, each identity's last
 * lifecycle event as the log is written, and keys that act through the verbs. Resolves with
 * the exit code once quit (q, Ctrl-C) or signalled; the terminal is given back on every way
 * out, a crash included.
 */
export function runTop(input: TopInput): Promise<number> {
  const { ctx, verbs } = input;
  const screen = new TerminalScreen(input.stdin, input.stdout);
  const tail = new LogTail(ctx.paths.lifecycleLog);
  const stop = new AbortController();
  let state: TopState = INITIAL;
  let report: StatusReport | undefined;
  let shown: Shown = { identities: [], page: 1 };
  let pending: string[] = [];
  /** Another program (attach, the editor) has the terminal. */
  let away = false;
  let reading = false;
  let drawQueued = false;

  const draw = () => {
    drawQueued = false;
    if (away) return;
    const drawn = frame({
      report,
      lastEvent: (identity) => tail.lastAbout(identity),
      logLines: (identity, count) => tail.linesAbout(identity, count),
      state,
      nowMs: ctx.now().getTime(),
      size: screen.size,
      glyphs: input.glyphs,
      color: input.color,
      pending,
    });
    shown = drawn.shown;
    screen.draw(drawn.lines, drawn.cursor);
  };
  const drawSoon = () => {
    if (drawQueued) return;
    drawQueued = true;
    setImmediate(draw);
  };
  const say = (status: string) => {
    state = { ...state, status };
    drawSoon();
  };

  const read = async () => {
    if (reading) return;
    reading = true;
    try {
      report = await statusReport(ctx);
    } catch (error) {
      say(`cannot read the fleet: ${messageOf(error)}`);
    } finally {
      reading = false;
    }
    drawSoon();
  };

  /** Gives the terminal to another program, and takes it back when that ends. */
  const elsewhere = async <T>(run: () => Promise<T>): Promise<T> => {
    away = true;
    screen.leave();
    try {
      return await run();
    } finally {
      away = false;
      // Quit (a signal) while away: the terminal stays given back, nothing reads it any more.
      if (!stop.signal.aborted) {
        screen.enter();
        screen.invalidate();
        drawSoon();
      }
    }
  };

  const act = async (kind: keyof typeof DOING, identity: string, args: readonly string[], stdin?: string) => {
    const doing = `${DOING[kind]} ${identity}`;
    pending = [...pending, doing];
    drawSoon();
    try {
      const result = await verbs.run(args, stdin);
      say(result.ok ? result.line : `${kind} ${identity} failed: ${result.line}`);
    } finally {
      pending = pending.filter((what) => what !== doing);
      void read();
    }
  };

  return new Promise<number>((resolve) => {
    const timer = setInterval(() => void read(), input.refreshMs ?? REFRESH_MS);
    const stderr = process.stderr;
    const writeStderr = stderr.write.bind(stderr);
    // Whatever an operation would print on stderr (a notice, a log that cannot be written)
    // goes to the status line: printed, it would be drawn over.
    stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (away) return (writeStderr as (...args: unknown[]) => boolean)(chunk, ...rest);
      say(String(chunk).trim().replace(/^iapeer: /, ''));
      return true;
    });

    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      stop.abort();
      clearInterval(timer);
      screen.leave();
      stderr.write = writeStderr;
      input.stdin.off('data', onData);
      input.stdout.off('resize', onResize);
      for (const signal of Object.keys(QUIT_SIGNALS)) process.off(signal, onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      process.off('exit', onExit);
      resolve(code);
    };
    const onSignal = (signal: NodeJS.Signals) => finish(128 + (QUIT_SIGNALS[signal as keyof typeof QUIT_SIGNALS] ?? 0));
    const onCrash = (error: unknown) => {
      finish(1);
      writeStderr(`iapeer: top: ${messageOf(error)}\n`);
      process.exitCode = 1;
    };
    const onExit = () => screen.leave();
    const onResize = () => {
      screen.invalidate();
      draw();
    };

    const perform = (effect: Effect) => {
      switch (effect.kind) {
        case 'quit':
          return finish(0);
        case 'attach':
          return void elsewhere(() => verbs.onTerminal(['attach', effect.identity])).then((code) =>
            say(code === 0 ? `back from ${effect.identity}` : `attach ${effect.identity} failed (exit ${code}): see iapeer attach ${effect.identity}`),
          );
        case 'editor':
          return void elsewhere(() => verbs.edit()).then((text) => {
            // Quit while the editor ran: what was written there is not sent.
            if (stop.signal.aborted) return undefined;
            if (text === undefined) return say('the editor failed: message not sent');
            if (text.trim() === '') return say('message not sent: it was empty');
            return act('send', effect.identity, ['send', effect.identity, '--message-file', '-'], text);
          });
        case 'send':
          return void act('send', effect.identity, ['send', effect.identity, '--message-file', '-'], effect.text);
        case 'stop':
        case 'start':
        case 'interrupt':
          return void act(effect.kind, effect.identity, [effect.kind, effect.identity]);
      }
    };
    const onData = (chunk: Buffer | string) => {
      if (away) return;
      for (const key of parseKeys(String(chunk))) {
        const step = reduce(state, key, shown);
        state = step.state;
        if (step.effect !== undefined) perform(step.effect);
        if (done || away) return;
      }
      draw();
    };

    for (const signal of Object.keys(QUIT_SIGNALS)) process.on(signal, onSignal);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    process.on('exit', onExit);
    input.stdout.on('resize', onResize);
    input.stdin.setEncoding('utf8');
    input.stdin.on('data', onData);
    screen.enter();
    draw();
    void read();
    tail.follow(stop.signal, drawSoon).catch((error: unknown) => say(`cannot follow the lifecycle log: ${messageOf(error)}`));
  });
}
