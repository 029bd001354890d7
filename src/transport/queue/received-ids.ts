import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { errnoCode } from '../../core/errors.js';
import { isMessageId } from '../../core/message-id.js';
import { ensurePrivateDir } from '../../core/paths.js';

/** How long the id of a message from another host is remembered: its sender retries for minutes, an operator's `queue retry` for days. */
export const RECEIVED_KEEP_DAYS = 30;
const DAY_MS = 86_400_000;

function checkId(id: string): void {
  if (!isMessageId(id)) throw new Error(`not a message id: ${JSON.stringify(id.slice(0, 40))}`);
}

/** A day directory's name: the day (UTC) the ids in it arrived. */
export function dayOf(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** The day directories older than the keep window, from their names (`YYYY-MM-DD`). */
export function expiredDays(days: readonly string[], nowMs: number): string[] {
  const oldest = new Date(nowMs - RECEIVED_KEEP_DAYS * DAY_MS).toISOString().slice(0, 10);
  return days.filter((day) => day < oldest);
}

/**
 * The ids of messages this host took from other hosts (`received/<day it arrived>/<id>`): a
 * sender that lost the answer sends the same id again, and the id is found here, so the
 * message is not taken twice. One empty file per id, written atomically; a day's directory
 * goes once it is older than RECEIVED_KEEP_DAYS. By the day of arrival, not the day in the
 * id: another host's clock may be wrong.
 */
export class ReceivedIds {
  constructor(private readonly root: string) {}

  private async days(): Promise<string[]> {
    const names = await readdir(this.root).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [] as string[];
      throw error;
    });
    return names.filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name));
  }

  /** The file that records `id`, if one does (at most RECEIVED_KEEP_DAYS directories to look in). */
  private async find(id: string): Promise<string | undefined> {
    checkId(id);
    for (const day of await this.days()) {
      const file = join(this.root, day, id);
      if ((await stat(file).catch(() => undefined)) !== undefined) return file;
    }
    return undefined;
  }

  async holds(id: string): Promise<boolean> {
    return (await this.find(id)) !== undefined;
  }

  async mark(id: string, nowMs: number): Promise<void> {
    checkId(id);
    const dir = join(this.root, dayOf(nowMs));
    await ensurePrivateDir(this.root);
    await ensurePrivateDir(dir);
    await writeFileAtomic(join(dir, id), '', { mode: 0o600 });
    for (const day of expiredDays(await this.days(), nowMs)) await rm(join(this.root, day), { recursive: true, force: true });
  }

  /** Forgets an id: the message was taken back (its peer cannot start), so a later try is a new one. */
  async unmark(id: string): Promise<void> {
    const file = await this.find(id);
    if (file !== undefined) await rm(file, { force: true });
  }
}
