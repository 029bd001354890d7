import type { BoundedResult } from '../core/process/run-bounded.js';
import { parseLine } from '../core/text/logfmt.js';
import type { NotifiedEvent } from '../lifecycle/log/events.js';
import { timeOfLine } from '../lifecycle/log/log-filter.js';

/** One lifecycle event to tell the operator of, as IAPEER_ON_ATTENTION's command gets it. */
export interface Notice {
  readonly event: NotifiedEvent;
  readonly identity: string;
  /** attention: its reason (`permission`, `dialog`, …); blocker: `crash-loop`. */
  readonly reason: string;
  /** attention: the runtime's words; blocker: how many deaths in how long. */
  readonly message: string;
}

const WANTED = [' ev=attention ', ' ev=blocker '];

/**
 * The notice a lifecycle log line calls for: an attention episode opening (not its
 * `action=cleared`) or a blocker, stamped at `notBeforeMs` or later; undefined for any other
 * line. Most lines are passed over on a substring test, never parsed.
 */
export function noticeOfLine(line: string, notBeforeMs: number): Notice | undefined {
  if (!WANTED.some((marker) => line.includes(marker))) return undefined;
  if (!(timeOfLine(line) >= notBeforeMs)) return undefined;
  const fields = parseLine(line);
  const identity = fields?.get('identity');
  if (fields === undefined || identity === undefined || identity === '') return undefined;
  switch (fields.get('ev')) {
    case 'attention': {
      const reason = fields.get('reason');
      if (fields.has('action') || reason === undefined) return undefined;
      return { event: 'attention', identity, reason, message: fields.get('msg') ?? '' };
    }
    case 'blocker':
      return { event: 'blocker', identity, reason: 'crash-loop', message: `${fields.get('deaths') ?? '?'} deaths in ${fields.get('window') ?? '?'}` };
    default:
      return undefined;
  }
}

/** The command's environment: the daemon's, and the event's four variables. */
export function noticeEnv(base: Readonly<Record<string, string>>, notice: Notice): Record<string, string> {
  return {
    ...base,
    IAPEER_EVENT: notice.event,
    IAPEER_EVENT_IDENTITY: notice.identity,
    IAPEER_EVENT_REASON: notice.reason,
    IAPEER_EVENT_MESSAGE: notice.message,
  };
}

export type NotifyOutcome = { readonly outcome: 'sent' } | { readonly outcome: 'failed'; readonly reason: string };

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const withStderr = (head: string, lastStderr: string | undefined) => (lastStderr === undefined ? head : `${head}: ${lastStderr}`);

/**
 * What the `ev=notify` line says of a run: `sent` for exit 0, else why it failed: the exit
 * status or signal with the last line of stderr, the timeout, or why it could not start
 * (for a command not found, the PATH it was looked up in: a service manager's is short).
 */
export function outcomeOf(result: BoundedResult, argv: readonly string[], path: string | undefined): NotifyOutcome {
  const command = argv[0] ?? '';
  switch (result.kind) {
    case 'exited':
      return result.code === 0 ? { outcome: 'sent' } : { outcome: 'failed', reason: withStderr(`exit ${result.code}`, result.lastStderr) };
    case 'signalled':
      return { outcome: 'failed', reason: withStderr(`killed by ${result.signal}`, result.lastStderr) };
    case 'timed-out':
      return { outcome: 'failed', reason: `timed out after ${duration(result.afterMs)}` };
    case 'aborted':
      return { outcome: 'failed', reason: 'stopped with the daemon' };
    case 'spawn-error':
      if (result.code === 'ENOENT') {
        const where = command.includes('/') ? '' : ` on PATH ${path === undefined || path === '' ? '(unset)' : path}`;
        return { outcome: 'failed', reason: `cannot run ${command}: not found${where}` };
      }
      if (result.code === 'EACCES') return { outcome: 'failed', reason: `cannot run ${command}: permission denied (not an executable file)` };
      return { outcome: 'failed', reason: `cannot run ${command}: ${result.message}` };
  }
}
