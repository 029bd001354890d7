import { readdirSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { RefusedError, errnoCode } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { isMessageId } from '../../core/message-id.js';
import { ensurePrivateDir } from '../../core/paths.js';
import { readRegularFile } from '../../core/fs/safe-fs.js';

/**
 * The durable queue (`queue/`): messages that could not be delivered yet, one file per
 * message in `queue/<identity>/<id>.json`, written atomically (temp file, fsync, rename,
 * directory fsync), so a crash never leaves half a message. Ids sort by creation time, so a
 * directory listing in id order is the FIFO (but a session's first message goes first).
 * Messages that keep failing move to `queue/<identity>/set-aside/`, kept for the operator,
 * never dropped.
 */

/** At most this many messages wait for one identity; a send beyond it is refused, not dropped. */
export const MAX_QUEUED_PER_IDENTITY = 1000;

const isoTime = z.string().check(z.refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO 8601 time'));

export const QueuedMessageSchema = z.object({
  version: z.literal(1),
  id: z.string().check(z.refine(isMessageId, 'expected a message id')),
  identity: z.string(),
  from: z.string(),
  topic: z.string(),
  /** The whole envelope as it will be pasted. */
  text: z.string().check(z.maxLength(MAX_TEXT_BYTES + 64 * 1024)),
  createdAt: isoTime,
  attempts: z.int().check(z.gte(0)),
  nextAttemptAt: isoTime,
  lastError: z.nullable(z.string()),
  /** Set just before a paste: after a crash, the pane is checked for this id before pasting again. */
  pastedAt: z.nullable(isoTime),
  /** Why it was set aside, for messages in set-aside/. */
  setAsideReason: z.optional(z.string()),
  /** A session's first message (a handoff, an initial prompt): it goes before whatever else waits. */
  first: z.optional(z.literal(true)),
  /** A message for a peer on another host, waiting here until that host takes it (`queue/<target>@<host>/`). */
  remote: z.optional(
    z.strictObject({
      host: z.string(),
      /** The peer or identity there, as the sender named it. */
      target: z.string(),
      /** `<identity>@<this host>`: who it is from, as the receiver sees it. */
      from: z.string(),
      body: z.string().check(z.maxLength(MAX_TEXT_BYTES)),
      noWake: z.boolean(),
    }),
  ),
});

export type QueuedMessage = z.infer<typeof QueuedMessageSchema>;

/** A message as it enters the queue: no attempt yet, due at once. */
export function newQueuedMessage(
  fields: Pick<QueuedMessage, 'id' | 'identity' | 'from' | 'topic' | 'text' | 'first' | 'remote'>,
  now: Date,
): QueuedMessage {
  const at = now.toISOString();
  return { version: 1, ...fields, createdAt: at, attempts: 0, nextAttemptAt: at, lastError: null, pastedAt: null };
}

/** The FIFO, except that a session's first message goes before the others (stable: ids keep their order). */
function inDeliveryOrder(entries: QueueEntry[]): QueueEntry[] {
  const first = entries.filter((entry) => entry.message?.first === true);
  return first.length === 0 ? entries : [...first, ...entries.filter((entry) => entry.message?.first !== true)];
}

export interface QueueEntry {
  readonly message: QueuedMessage | undefined;
  /** A file that does not parse: kept where it is and reported, never deleted. */
  readonly problem?: string;
  readonly file: string;
}

const SET_ASIDE = 'set-aside';

/** A message's file, found by its id. */
export interface QueuedFile {
  readonly id: string;
  readonly identity: string;
  readonly setAside: boolean;
  readonly file: string;
}

function isMessageFile(name: string): boolean {
  return name.endsWith('.json') && isMessageId(name.slice(0, -5));
}

/** A directory's names; none when it is absent or not a directory. */
function listSync(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

/** All the messages counted in `depths`. */
export function totalOf(depths: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const depth of depths.values()) total += depth;
  return total;
}

export class QueueStore {
  constructor(private readonly root: string) {}

  private dirOf(identity: string): string {
    return join(this.root, identity);
  }

  private fileOf(identity: string, id: string, setAside = false): string {
    return setAside ? join(this.dirOf(identity), SET_ASIDE, `${id}.json`) : join(this.dirOf(identity), `${id}.json`);
  }

  /** Identities with a queue directory, sorted. */
  async identities(): Promise<string[]> {
    const names = await readdir(this.root).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [] as string[];
      throw error;
    });
    return names.filter((name) => !name.startsWith('.')).sort();
  }

  /** The waiting messages of one identity in delivery order: a session's first message, then oldest first. */
  async list(identity: string, options: { setAside?: boolean } = {}): Promise<QueueEntry[]> {
    const dir = this.listDir(identity, options.setAside === true);
    return inDeliveryOrder(await Promise.all((await this.names(dir)).map((name) => this.read(join(dir, name)))));
  }

  private listDir(identity: string, setAside: boolean): string {
    return setAside ? join(this.dirOf(identity), SET_ASIDE) : this.dirOf(identity);
  }

  /** Message file names in id order (the FIFO). */
  private async names(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [] as string[];
      throw error;
    });
    return names.filter(isMessageFile).sort();
  }

  private async read(file: string): Promise<QueueEntry> {
    try {
      const text = await readRegularFile(file, 'queued message');
      if (text === undefined) return { message: undefined, problem: 'vanished', file };
      const parsed = QueuedMessageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return { message: undefined, problem: parsed.error.issues[0]?.message ?? 'invalid', file };
      return { message: parsed.data, file };
    } catch (error) {
      return { message: undefined, problem: (error as Error).message, file };
    }
  }

  async depth(identity: string, options: { setAside?: boolean } = {}): Promise<number> {
    return (await this.names(this.listDir(identity, options.setAside === true))).length;
  }

  /** The depth of every identity's queue (or set-aside messages), by identity. */
  async depths(options: { setAside?: boolean } = {}): Promise<Map<string, number>> {
    const depths = new Map<string, number>();
    for (const identity of await this.identities()) depths.set(identity, await this.depth(identity, options));
    return depths;
  }

  /**
   * Waiting messages per identity (set-aside ones not counted), from directory listings
   * alone, no file read: for `list`, which is synchronous and must stay cheap over a fleet.
   */
  waitingSync(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const identity of listSync(this.root)) {
      if (identity.startsWith('.')) continue;
      const count = listSync(this.dirOf(identity)).filter(isMessageFile).length;
      if (count > 0) counts.set(identity, count);
    }
    return counts;
  }

  /** Whether the message still waits, or was set aside: false once it was delivered. */
  async holds(identity: string, id: string): Promise<boolean> {
    const there = async (file: string) => (await stat(file).catch(() => undefined)) !== undefined;
    return (await there(this.fileOf(identity, id))) || there(this.fileOf(identity, id, true));
  }

  /** Stores a new message durably; refused when the identity's queue is full. */
  async enqueue(message: QueuedMessage): Promise<void> {
    const waiting = await this.depth(message.identity);
    if (waiting >= MAX_QUEUED_PER_IDENTITY) {
      throw new RefusedError(
        `the queue of ${message.identity} is full (${waiting} messages waiting); start the peer (iapeer start) or look at it with: iapeer queue`,
        'EQUEUEFULL',
      );
    }
    await this.write(message);
  }

  /** Replaces a waiting message's record (attempts, next attempt, paste mark). */
  async write(message: QueuedMessage): Promise<void> {
    const checked = QueuedMessageSchema.parse(message);
    await ensurePrivateDir(this.dirOf(checked.identity));
    await writeFileAtomic(this.fileOf(checked.identity, checked.id), `${JSON.stringify(checked)}\n`, { mode: 0o600 });
  }

  /** Done with it: delivered. */
  async remove(message: QueuedMessage): Promise<void> {
    await rm(this.fileOf(message.identity, message.id), { force: true });
  }

  /**
   * Deletes every message of the identity, waiting and set aside (its record is gone), and
   * its queue directory; returns the ids, waiting first, each oldest first.
   */
  async dropAll(identity: string): Promise<{ waiting: string[]; setAside: string[] }> {
    const ids = async (setAside: boolean) => (await this.names(this.listDir(identity, setAside))).map((name) => name.slice(0, -'.json'.length));
    const dropped = { waiting: await ids(false), setAside: await ids(true) };
    await rm(this.dirOf(identity), { recursive: true, force: true });
    return dropped;
  }

  /** Where message `id` is, waiting or set aside, whichever identity holds it (ids are unique). */
  async locate(id: string, identities?: readonly string[]): Promise<QueuedFile | undefined> {
    for (const identity of identities ?? (await this.identities())) {
      for (const setAside of [false, true]) {
        const file = this.fileOf(identity, id, setAside);
        if ((await stat(file).catch(() => undefined))?.isFile() === true) return { id, identity, setAside, file };
      }
    }
    return undefined;
  }

  /** A located message as it is now; `message` undefined with a problem when its file does not parse. */
  async entry(located: QueuedFile): Promise<QueueEntry> {
    return this.read(located.file);
  }

  /** Deletes a located message's file, whatever it holds: the operator dropped it. */
  async drop(located: QueuedFile): Promise<void> {
    await rm(located.file, { force: true });
  }

  /**
   * Puts a message back in line as given (its id keeps its place in the FIFO) and deletes its
   * set-aside copy; refused, like a new message, when the identity's queue is full.
   */
  async requeue(message: QueuedMessage): Promise<void> {
    const waiting = await this.names(this.dirOf(message.identity));
    if (!waiting.includes(`${message.id}.json`) && waiting.length >= MAX_QUEUED_PER_IDENTITY) {
      throw new RefusedError(`the queue of ${message.identity} is full (${waiting.length} messages waiting); deliver or drop some first (iapeer queue)`, 'EQUEUEFULL');
    }
    await this.write(message);
    await rm(this.fileOf(message.identity, message.id, true), { force: true });
  }

  /** Moves a message that keeps failing out of the way; it is kept, with the reason. */
  async setAside(message: QueuedMessage, reason: string): Promise<void> {
    const kept = { ...message, setAsideReason: reason };
    await ensurePrivateDir(join(this.dirOf(message.identity), SET_ASIDE));
    await writeFileAtomic(this.fileOf(message.identity, message.id, true), `${JSON.stringify(kept)}\n`, { mode: 0o600 });
    await this.remove(message);
  }
}
