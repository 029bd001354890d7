import { isIapeerError } from '../../core/errors.js';
import type { Crossing } from '../../transport/queue/crossing.js';
import type { QueuedMessage } from '../../transport/queue/queue-store.js';
import type { AppContext } from '../context/app-context.js';
import { lockDelivery } from '../context/locks.js';
import { callHost, hostNamed } from '../hosts/remote-call.js';
import { failed, setAside } from './failed-attempt.js';
import type { SendResult } from './send-message.js';

/** A receive delivers there as a send does: it may wake the peer, which may take a runtime's whole start-up. */
const RECEIVE_TIMEOUT_MS = 120_000;

/** What the other host said it did with a message, and the identity it went to there. */
export interface Forwarded {
  readonly outcome: SendResult['outcome'];
  readonly identity: string;
}

/** The other host ran iapeer and refused the message: its exit code and its one error line. */
export interface RefusedThere {
  readonly code: number;
  readonly line: string;
}

export interface ForwardReport {
  readonly forwarded: Map<string, Forwarded>;
  readonly refused: Map<string, RefusedThere>;
  /** Why the rest of the queue still waits, if it does. */
  waiting: string | undefined;
}

function crossingOf(message: QueuedMessage, remote: NonNullable<QueuedMessage['remote']>): Crossing {
  return { version: 1, id: message.id, target: remote.target, from: remote.from, topic: message.topic, body: remote.body, noWake: remote.noWake };
}

/** The receiver's `--json` answer, or undefined when it is not one. */
function answerOf(stdout: string): Forwarded | undefined {
  try {
    const answer = JSON.parse(stdout) as { outcome?: unknown; identity?: unknown };
    const outcomes: readonly string[] = ['delivered', 'woken-delivered', 'unverified', 'queued', 'duplicate'];
    if (typeof answer.outcome !== 'string' || !outcomes.includes(answer.outcome) || typeof answer.identity !== 'string') return undefined;
    return { outcome: answer.outcome as Forwarded['outcome'], identity: answer.identity };
  } catch {
    return undefined;
  }
}

/** The receiver's error line without its own prefix (`iapeer: receive: `): this side adds its own. */
function refusalLine(stderr: string, code: number): string {
  const line = stderr.trim().split('\n').at(-1) ?? '';
  return line.replace(/^iapeer: receive: /, '') || `iapeer there exited ${code}`;
}

type Step = { readonly next: boolean };

/**
 * Hands one message to its host and records the answer. A host that never ran the command,
 * or a link that died during it (ssh's 255: the outcome is unknown), is a failed attempt, and
 * the message keeps its id: the retry is a `duplicate` there if the first try was taken.
 */
async function forwardOne(ctx: AppContext, message: QueuedMessage, report: ForwardReport, counts: boolean): Promise<Step> {
  const { remote } = message;
  if (remote === undefined) {
    await setAside(ctx, message, 'not a message for another host (no remote part)');
    return { next: true };
  }
  const stop = async (why: string): Promise<Step> => {
    report.waiting = why;
    if (counts) await failed(ctx, message, why);
    return { next: false };
  };
  let result;
  try {
    const host = hostNamed(ctx, remote.host);
    result = await callHost(ctx, host, ['receive', '--json'], { input: JSON.stringify(crossingOf(message, remote)), timeoutMs: RECEIVE_TIMEOUT_MS });
  } catch (error) {
    if (!isIapeerError(error)) throw error;
    return stop(error.message);
  }
  if (result.code === 255) return stop(`${remote.host}: the connection ended before it answered (${result.lastLine}); it is sent again with the same id`);
  if (result.code !== 0) {
    const line = refusalLine(result.stderr, result.code);
    report.refused.set(message.id, { code: result.code, line });
    return stop(`${remote.host} refused it: ${line}`);
  }
  const answer = answerOf(result.stdout);
  if (answer === undefined) return stop(`${remote.host} gave an answer that is not iapeer receive's: ${JSON.stringify(result.stdout.slice(0, 80))}`);
  await ctx.queue.remove(message);
  await ctx.log.write({ ev: 'deliver', identity: message.identity, id: message.id, outcome: 'forwarded', confirmed: 'none', there: answer.outcome });
  report.forwarded.set(message.id, answer);
  return { next: true };
}

export interface ForwardOptions {
  readonly ignoreBackoff?: boolean;
  /** Stop once this message is forwarded. */
  readonly until?: string;
  /** The caller holds the queue's delivery lock. */
  readonly lockHeld?: boolean;
}

/**
 * Forwards the messages waiting for a target on another host (`queue/boris@build/`), oldest
 * first, under that queue's lock; the first that does not go holds back the ones after it,
 * so each sender's messages arrive in the order they were sent.
 */
export async function forwardQueue(ctx: AppContext, key: string, options: ForwardOptions = {}): Promise<ForwardReport> {
  const report: ForwardReport = { forwarded: new Map(), refused: new Map(), waiting: undefined };
  const run = async () => {
    for (const entry of await ctx.queue.list(key)) {
      const { message } = entry;
      // A file that does not parse is kept for the operator (iapeer queue shows it).
      if (message === undefined) continue;
      const due = Date.parse(message.nextAttemptAt) <= ctx.now().getTime();
      if (options.ignoreBackoff !== true && !due) {
        report.waiting = 'backing off';
        return;
      }
      // A send tries the messages before its own at once, to keep their order, but a failure
      // counts only for one that was due: ten sends in a minute of outage are not ten attempts.
      const step = await forwardOne(ctx, message, report, due || message.id === options.until);
      if (!step.next || message.id === options.until) return;
    }
  };
  await (options.lockHeld === true ? run() : lockDelivery(ctx, key, run));
  return report;
}
