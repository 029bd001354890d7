import { spawn } from 'node:child_process';
import { errnoCode, messageOf } from '../errors.js';
import { lastLineOf } from '../text/last-line.js';

/** How a bounded run ended. `lastStderr` is the last non-blank line the command wrote to stderr, if any. */
export type BoundedResult =
  | { readonly kind: 'exited'; readonly code: number; readonly lastStderr: string | undefined }
  | { readonly kind: 'signalled'; readonly signal: NodeJS.Signals; readonly lastStderr: string | undefined }
  | { readonly kind: 'timed-out'; readonly afterMs: number }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'spawn-error'; readonly code: string | undefined; readonly message: string };

export interface BoundedRun {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Ends the run at once: its process group is killed as at the timeout, with a shorter grace. */
  readonly signal?: AbortSignal;
  /** Between TERM and KILL of the process group at the timeout. */
  readonly killGraceMs?: number;
  /** Between TERM and KILL when `signal` aborts (whoever aborts is leaving). */
  readonly abortGraceMs?: number;
}

const KILL_GRACE_MS = 2000;
const ABORT_GRACE_MS = 500;
/** After the command exits, how long a descendant still holding its stderr may delay the result. */
const STDERR_DRAIN_MS = 500;
/** After KILL, how long to wait for the exit before giving up on it (a process stuck in the kernel). */
const REAP_WAIT_MS = 5000;
/** Only the tail of stderr is kept: the last line is all anyone is told. */
const STDERR_TAIL_BYTES = 4096;

/**
 * Runs an argv (never through a shell) in a process group of its own, stdin and stdout
 * closed to it, stderr's last line kept. Past `timeoutMs`, or when `signal` aborts, the
 * whole group is sent TERM, then KILL after a grace: a command's children go with it
 * (unless they left its group). A command that ends by itself leaves what it started alone.
 * Never rejects.
 */
export function runBounded(run: BoundedRun): Promise<BoundedResult> {
  const [command, ...args] = run.argv;
  if (command === undefined) return Promise.resolve({ kind: 'spawn-error', code: undefined, message: 'no command' });
  if (run.signal?.aborted === true) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { env: run.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    } catch (error) {
      resolve({ kind: 'spawn-error', code: errnoCode(error), message: messageOf(error) });
      return;
    }
    let tail = '';
    let ending: 'timed-out' | 'aborted' | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
    const finish = (result: BoundedResult) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      child.stderr?.destroy();
      resolve(result);
    };
    let exited = false;
    const kill = (why: 'timed-out' | 'aborted') => {
      if (exited || ending !== undefined || child.pid === undefined) return;
      ending = why;
      signalGroupOf(child.pid, 'SIGTERM');
      const grace = why === 'timed-out' ? (run.killGraceMs ?? KILL_GRACE_MS) : (run.abortGraceMs ?? ABORT_GRACE_MS);
      later(grace, () => {
        if (child.pid !== undefined) signalGroupOf(child.pid, 'SIGKILL');
        later(REAP_WAIT_MS, () => finish(endedBy(why, run.timeoutMs)));
      });
    };
    const onAbort = () => kill('aborted');
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.stderr?.on('error', () => undefined);
    child.once('error', (error) => finish({ kind: 'spawn-error', code: errnoCode(error), message: messageOf(error) }));
    child.once('exit', (code, signal) => {
      // From here on nothing is signalled any more (but below): a timeout due during the drain changes nothing.
      exited = true;
      const killed = ending;
      // A group killed for the timeout is that, whatever signal it died of.
      const result: () => BoundedResult = () =>
        killed !== undefined
          ? endedBy(killed, run.timeoutMs)
          : signal !== null
            ? { kind: 'signalled', signal, lastStderr: lastLineOf(tail) || undefined }
            : { kind: 'exited', code: code ?? 0, lastStderr: lastLineOf(tail) || undefined };
      // The rest of stderr may still be in the pipe; a child that kept it open must not hold the result.
      child.once('close', () => finish(result()));
      later(STDERR_DRAIN_MS, () => finish(result()));
      // Being killed, it takes what it left in its group along (its own group, never ours).
      if (child.pid !== undefined && killed !== undefined) signalGroupOf(child.pid, 'SIGKILL');
    });
    later(run.timeoutMs, () => kill('timed-out'));
    run.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function endedBy(why: 'timed-out' | 'aborted', timeoutMs: number): BoundedResult {
  return why === 'timed-out' ? { kind: 'timed-out', afterMs: timeoutMs } : { kind: 'aborted' };
}

/** The group the command leads (it was spawned detached); gone already, or no longer ours to signal, is fine. */
function signalGroupOf(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is gone; EPERM: nothing better to do.
  }
}
