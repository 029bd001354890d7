import type { AppContext } from '../context/app-context.js';

export interface QueueRow {
  readonly id: string;
  readonly identity: string;
  readonly from: string | null;
  readonly topic: string | null;
  readonly createdAt: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  /** `waiting` for delivery, `set-aside` after failing too often, `unreadable` if its file is damaged. */
  readonly state: 'waiting' | 'set-aside' | 'unreadable';
  readonly note: string | null;
  readonly bytes: number;
  readonly file: string;
}

/** Every message not yet delivered, waiting ones first, each identity oldest first. */
export async function listQueue(ctx: AppContext): Promise<QueueRow[]> {
  const store = ctx.queue;
  const rows: QueueRow[] = [];
  for (const setAside of [false, true]) {
    for (const identity of await store.identities()) {
      for (const entry of await store.list(identity, { setAside })) {
        const message = entry.message;
        const id = entry.file.slice(entry.file.lastIndexOf('/') + 1, -'.json'.length);
        rows.push({
          id,
          identity,
          from: message?.from ?? null,
          topic: message?.topic ?? null,
          createdAt: message?.createdAt ?? null,
          attempts: message?.attempts ?? 0,
          nextAttemptAt: setAside ? null : (message?.nextAttemptAt ?? null),
          state: message === undefined ? 'unreadable' : setAside ? 'set-aside' : 'waiting',
          note: message === undefined ? (entry.problem ?? null) : (message.setAsideReason ?? message.lastError),
          bytes: message ? Buffer.byteLength(message.text) : 0,
          file: entry.file,
        });
      }
    }
  }
  return rows;
}
