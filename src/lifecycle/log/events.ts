import type { LogValue } from '../../core/text/logfmt.js';

/** `hook`: the runtime reported the message's id; `screen`: its composer let go of it; `cursor`: the cursor's line did. */
export type DeliverConfirmation = 'hook' | 'screen' | 'cursor' | 'none';

export type WakeMode = 'fresh' | 'resume';
export type WakeCause = 'first-start' | 'idle-reaped' | 'no-session' | 'crash-or-self-close' | 'self-fresh' | 'operator';

/** Every decision iapeer records. Field order on the line is FIELD_ORDER, not object order. */
export type LifecycleEvent =
  | {
      ev: 'supervise';
      identity: string;
      action: 'reaped-idle' | 'reaped-gone' | 'reaped-zombie' | 'reaped-orphan' | 'alive' | 'skipped-always-on';
      age?: string;
      reason?: string;
      outcome?: 'fresh-next-msg' | 'eager-relaunch' | 'blocked';
      exit?: number;
    }
  | {
      ev: 'wake';
      personality: string;
      runtime: string;
      mode: WakeMode;
      cause: WakeCause;
      /** The runtime's session id: the one given to a fresh start, or the one resumed. */
      session?: string;
    }
  | { ev: 'blocker'; identity: string; deaths: number; window: string }
  | { ev: 'add'; personality: string; action: 'created' | 'updated'; runtimes: string }
  | { ev: 'start'; identity: string; outcome: 'woken' | 'already-live' }
  | { ev: 'stop'; identity: string; was: 'live' | 'down' }
  | { ev: 'remove'; personality: string; outcome: 'removed' | 'absent'; ended?: number }
  | { ev: 'self-fresh'; identity: string; handoff: number }
  | { ev: 'interrupt' | 'compact'; identity: string }
  | {
      ev: 'deliver';
      identity: string;
      id: string;
      outcome:
        | 'delivered'
        | 'woken-delivered'
        | 'unverified'
        | 'queued'
        | 'waiting-draft'
        | 'waiting-input'
        | 'waiting-busy'
        | 'retry-later'
        | 'set-aside'
        | 'refused'
        | 'dropped'
        | 'requeued'
        /** Another host sent an id this host holds already: not taken twice. */
        | 'duplicate'
        /** Handed to another host's iapeer (`there`: what that host did with it). */
        | 'forwarded';
      /** How the delivery was confirmed; `none` on every line that is no confirmed delivery. */
      confirmed: DeliverConfirmation;
      reason?: string;
      /** For the operator's drop and retry (`iapeer queue drop|retry`): where the message was. */
      was?: 'waiting' | 'set-aside';
      /** For a message forwarded to another host: that host's outcome (delivered, queued, duplicate, …). */
      there?: string;
    }
  | { ev: 'daemon'; action: 'start' | 'stop'; pid: number }
  /** An identity waits on a human (`reason`, the runtime's words in `msg`), once per episode; `action=cleared` when it ends. */
  | { ev: 'attention'; identity: string; reason: string; msg: string }
  | { ev: 'attention'; identity: string; action: 'cleared' }
  /** The daemon ran IAPEER_ON_ATTENTION for an attention or blocker line; `reason` says why it failed. */
  | { ev: 'notify'; identity: string; event: NotifiedEvent; outcome: 'sent' | 'failed'; reason?: string };

/** The lifecycle events IAPEER_ON_ATTENTION is run for. */
export type NotifiedEvent = 'attention' | 'blocker';

export const FIELD_ORDER = [
  'identity',
  'event',
  'personality',
  'runtime',
  'id',
  'action',
  'mode',
  'cause',
  'session',
  'age',
  'reason',
  'outcome',
  'confirmed',
  'there',
  'exit',
  'deaths',
  'window',
  'pid',
  'was',
  'ended',
  'runtimes',
  'handoff',
  'msg',
] as const;

/** `ts` and `ev` first, then the event's fields in the fixed order. */
export function eventFields(ts: string, event: LifecycleEvent): Array<readonly [string, LogValue]> {
  const record = event as unknown as Record<string, LogValue>;
  return [['ts', ts], ['ev', event.ev], ...FIELD_ORDER.map((key) => [key, record[key]] as const)];
}
