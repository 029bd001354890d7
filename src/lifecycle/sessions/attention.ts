import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
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

async function readEpisode(file: string): Promise<Episode | undefined> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as Partial<Episode>;
    return typeof json.since === 'number' ? { since: json.since, reason: String(json.reason ?? ''), msg: String(json.msg ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

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

/** True for the one process that opened the episode. */
async function openEpisode(dir: string, episode: Episode): Promise<boolean> {
  try {
    await writeFile(join(dir, OPEN), JSON.stringify(episode), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST' || errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
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
    if (episode === undefined) {
      if (await closeEpisode(dir)) await log.write({ ev: 'attention', identity, action: 'cleared' });
      return;
    }
    const open = await readEpisode(join(dir, OPEN));
    if (open?.since === episode.since) return;
    // Another episode's marker, whose end nobody saw (a quick answer between two looks): end it first.
    if (open !== undefined && (await closeEpisode(dir))) await log.write({ ev: 'attention', identity, action: 'cleared' });
    if ((await readEpisode(join(dir, CLOSED)))?.since === episode.since) return;
    if (await openEpisode(dir, episode)) await log.write({ ev: 'attention', identity, reason: episode.reason, msg: episode.msg });
  } catch {
    // A state directory that cannot be written loses the line, never the listing.
  }
}
