import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import { type Paths, stateDirOf } from '../../core/paths.js';
import type { LifecycleLog } from '../log/lifecycle-log.js';
import type { ActivityVerdict } from './activity.js';

/**
 * An identity that needs a human is logged once per episode (`ev=attention … reason= msg=`),
 * and once more when the episode ends (`action=cleared`), whichever process sees it first:
 * `list`, `send` and the daemon all look. The episode's marker (`state/<identity>/attention`)
 * is created exclusively, and taken away by a rename, which only one process can win.
 */

const OPEN = 'attention';
/** The episode last cleared: a process that saw it open a moment ago does not open it again. */
const CLOSED = 'attention.cleared';

interface Episode {
  readonly since: number;
  readonly reason: string;
  readonly msg: string;
}

/** The episode an activity belongs to, or undefined when it needs nothing. */
export function episodeOf(verdict: ActivityVerdict | null): Episode | undefined {
  if (verdict === null || verdict.activity !== 'needs-input') return undefined;
  return { since: verdict.since, reason: verdict.reason ?? 'dialog', msg: verdict.attention ?? '' };
}

/** The marker's episode; `junk` for a file that is none (markers are linked in whole, so not a half-written one). */
async function readEpisode(file: string): Promise<Episode | 'junk' | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    return 'junk';
  }
  try {
    const json = JSON.parse(text) as Partial<Episode>;
    return typeof json.since === 'number' ? { since: json.since, reason: String(json.reason ?? ''), msg: String(json.msg ?? '') } : 'junk';
  } catch {
    return 'junk';
  }
}

const sinceOf = (episode: Episode | 'junk' | undefined) => (typeof episode === 'object' ? episode.since : undefined);

/** Takes the open marker away; true for the one process that did. */
async function closeEpisode(dir: string): Promise<boolean> {
  const taken = join(dir, `${OPEN}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await rename(join(dir, OPEN), taken);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
  }
  await rename(taken, join(dir, CLOSED)).catch(() => rm(taken, { force: true }));
  return true;
}

/**
 * True for the one process that opened the episode. The marker is written whole first and
 * then linked into place (which fails if it exists), so nobody ever reads it half written.
 */
async function openEpisode(dir: string, episode: Episode): Promise<boolean> {
  const draft = join(dir, `${OPEN}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(draft, JSON.stringify(episode), { flag: 'wx', mode: 0o600 });
    await link(draft, join(dir, OPEN));
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST' || errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
  } finally {
    await rm(draft, { force: true }).catch(() => undefined);
  }
}

/**
 * Logs the start or the end of an identity's attention episode, if this process is the first
 * to see it. `verdict` is its activity (null when it is not live: an episode ends with its
 * session). Never fails the caller: the log is what it is for.
 */
export async function noteAttention(paths: Paths, log: LifecycleLog, identity: string, verdict: ActivityVerdict | null): Promise<void> {
  const dir = stateDirOf(paths, identity);
  const episode = episodeOf(verdict);
  try {
    // The usual case, checked without a round trip: nothing needs anyone, nothing was open.
    if (episode === undefined && !existsSync(join(dir, OPEN))) return;
    if (episode === undefined) {
      if (await closeEpisode(dir)) await log.write({ ev: 'attention', identity, action: 'cleared' });
      return;
    }
    const open = await readEpisode(join(dir, OPEN));
    if (sinceOf(open) === episode.since) return;
    // Another episode's marker, whose end nobody saw (a quick answer between two looks): end
    // it first. One that is no marker at all is put away without a line.
    if (open !== undefined && (await closeEpisode(dir)) && open !== 'junk') await log.write({ ev: 'attention', identity, action: 'cleared' });
    if (sinceOf(await readEpisode(join(dir, CLOSED))) === episode.since) return;
    if (await openEpisode(dir, episode)) await log.write({ ev: 'attention', identity, reason: episode.reason, msg: episode.msg });
  } catch {
    // A state directory that cannot be written loses the line, never the listing.
  }
}
