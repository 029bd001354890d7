import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { uniqueSuffix } from '../../core/fs/unique-name.js';
import { type Paths, eventsFileOf, stateDirOf } from '../../core/paths.js';
import { readSessionEventsSync } from '../../transport/events/agent-events.js';
import type { AgentEvent } from '../../transport/events/event-line.js';
import type { ScreenCapturer } from './capture-screen.js';
import { type ActivityVerdict, type EventWiring, type ScreenFacts, decideActivity, screenMatters } from './activity.js';

/** What a live identity's activity is decided from, besides its events: its screen, asked only when needed. */
export interface ScreenLooker {
  /** The runtime's patterns judged on the identity's screen; undefined when it has none or the screen cannot be had. */
  screenOf(identity: string, runtime: string, lastOutputMs: number | undefined): Promise<ScreenFacts | undefined>;
}

export interface LiveIdentity {
  readonly identity: string;
  readonly runtime: string;
  readonly spawnedAtMs: number | undefined;
  readonly lastOutputMs: number | undefined;
}

/** Which hooks a runtime reports through, by its name (a runtime without them reports none). */
function wiringOf(runtime: string): EventWiring | undefined {
  return runtime === 'claude' || runtime === 'codex' || runtime === 'demo' ? runtime : undefined;
}

/**
 * A live identity's activity: its last session's events (read here unless given), and its
 * screen only when they cannot decide alone. An unreadable events file is no events.
 */
export async function observeActivity(
  paths: Paths,
  live: LiveIdentity,
  nowMs: number,
  looker: ScreenLooker,
  events: readonly AgentEvent[] = readSessionEventsSync(eventsFileOf(paths, live.identity)),
): Promise<ActivityVerdict> {
  const facts = { events, wiring: wiringOf(live.runtime), spawnedAtMs: live.spawnedAtMs, lastOutputMs: live.lastOutputMs, nowMs };
  const screen = screenMatters(facts) ? await looker.screenOf(live.identity, live.runtime, live.lastOutputMs) : undefined;
  return decideActivity({ ...facts, screen });
}

export interface LookerInput {
  readonly paths: Paths;
  readonly tmux: { readonly bin: string; readonly env: Readonly<Record<string, string>> };
  readonly nodeBin: string;
  readonly now?: () => number;
}

/**
 * Linux updates a terminal's times at most once per 8 s bucket, so a screen captured this
 * long after the last output time it was seen with would have shown any later output.
 */
const TTY_TIME_GRAIN_MS = 8000;
/** Beside the identity's markers: what its screen showed, and when (see seenScreen). */
const SEEN_FILE = 'screen-seen';

interface Seen {
  readonly runtime: string;
  readonly lastOutputMs: number;
  readonly capturedAt: number;
  readonly facts: ScreenFacts | null;
}

/**
 * The screen facts last captured, while still true: the terminal has shown nothing since
 * (same last output time, captured a whole time grain after it). `list` runs in a process of
 * its own each time: kept in a file, a quiet fleet's screens are captured once, not per listing.
 */
async function seenScreen(file: string, runtime: string, lastOutputMs: number): Promise<ScreenFacts | null | undefined> {
  try {
    const seen = JSON.parse(await readFile(file, 'utf8')) as Partial<Seen>;
    const fresh = seen.runtime === runtime && seen.lastOutputMs === lastOutputMs && (seen.capturedAt ?? 0) >= lastOutputMs + TTY_TIME_GRAIN_MS;
    if (!fresh || seen.facts === undefined) return undefined;
    return seen.facts === null ? null : { busy: seen.facts.busy === true, ready: seen.facts.ready === true };
  } catch {
    return undefined;
  }
}

/** Written whole then renamed in place; no fsync: losing it costs one capture. */
async function rememberScreen(file: string, seen: Seen): Promise<void> {
  const temp = `${file}.${uniqueSuffix()}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(seen), { mode: 0o600 });
    await rename(temp, file);
  } catch {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * Screens through one tmux runner and the runtime table, both made on first need: a listing
 * whose events decide everything starts no tmux client and reads no `runtimes.json`. A broken
 * `runtimes.json` only leaves the screen out (the activity is then unknown).
 */
export function screenLooker(input: LookerInput): ScreenLooker {
  const now = input.now ?? Date.now;
  let capturer: Promise<ScreenCapturer> | undefined;
  return {
    async screenOf(identity, runtime, lastOutputMs) {
      const file = join(stateDirOf(input.paths, identity), SEEN_FILE);
      if (lastOutputMs !== undefined) {
        const known = await seenScreen(file, runtime, lastOutputMs);
        if (known !== undefined) return known ?? undefined;
      }
      const capturedAt = now();
      // Loaded on first need: tmux's runner and the runtime table cost a listing whose events decide everything.
      capturer ??= import('./capture-screen.js').then((module) => module.screenCapturer(input));
      const facts = await (await capturer)(identity, runtime);
      if (lastOutputMs !== undefined && facts !== undefined) await rememberScreen(file, { runtime, lastOutputMs, capturedAt, facts });
      return facts ?? undefined;
    },
  };
}
