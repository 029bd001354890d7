import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../core/fs/atomic-write.js';
import { errnoCode } from '../core/errors.js';
import { ensurePrivateDir } from '../core/paths.js';
import { assertPrivateEnough, readRegularFileSync } from '../core/fs/safe-fs.js';
import { describeIssues } from '../core/validation.js';

const at = z.string();

/** The marker files kept per identity in `state/<identity>/`, one JSON document each. */
export const MarkerSchemas = {
  /** Durable stop: nothing wakes the identity until `start`. */
  stopped: z.object({ at }),
  /** The crash-loop guard tripped: no relaunch until `start`. */
  blocked: z.object({ at, deaths: z.number(), windowSec: z.number() }),
  /** The last end was an idle reap, so the next wake resumes. */
  'idle-reaped': z.object({ at, ageSec: z.number() }),
  /** Set by self-fresh: relaunch fresh eagerly and deliver the handoff first. */
  'new-eager': z.object({ at, handoff: z.nullable(z.string()) }),
  /** Recent ends of sessions iapeer started, newest last; a self-fresh is an end too. */
  deaths: z.array(z.object({ at, exit: z.nullable(z.number()), fast: z.boolean(), selfFresh: z.optional(z.boolean()) })),
  /** The current (or last) session iapeer spawned. */
  spawned: z.object({
    at,
    pid: z.number(),
    tty: z.string(),
    serverPid: z.number(),
    mode: z.enum(['fresh', 'resume']),
    cause: z.string(),
    /** The session id iapeer gave the runtime or resumed (absent in markers older than it). */
    sessionId: z.optional(z.nullable(z.string())),
  }),
  /** The strict readiness gate passed for the session spawned at `spawnedAt`. */
  ready: z.object({ spawnedAt: at }),
} as const;

export type MarkerName = keyof typeof MarkerSchemas;
export type MarkerValue<N extends MarkerName> = z.infer<(typeof MarkerSchemas)[N]>;
export type Markers = { -readonly [N in MarkerName]?: MarkerValue<N> };

const MARKER_NAMES = Object.keys(MarkerSchemas) as MarkerName[];

function isMarkerName(name: string): name is MarkerName {
  return (MARKER_NAMES as string[]).includes(name);
}

function parseMarker<N extends MarkerName>(name: N, text: string | undefined): MarkerValue<N> | undefined {
  let json: unknown;
  try {
    json = text === undefined ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = MarkerSchemas[name].safeParse(json);
  return parsed.success ? (parsed.data as MarkerValue<N>) : undefined;
}

/** Markers are a few hundred bytes; anything far larger is not one. */
const MARKER_MAX_BYTES = 1024 * 1024;

/** State roots this process found private: checked once per command, not once per identity. */
const safeStateRoots = new Set<string>();

/** The state root (the parent of every identity's directory) must be private, and a real directory. */
export function assertStateRootSafe(root: string): void {
  if (safeStateRoots.has(root)) return;
  assertPrivateEnough(root, 'dir', 'state directory');
  safeStateRoots.add(root);
}

/** A marker's text, or undefined if it cannot be trusted: a symlink, a FIFO, a directory, another user's file. */
function readMarkerText(file: string, name: MarkerName): string | undefined {
  try {
    return readRegularFileSync(file, `${name} marker`, { privateOnly: true, maxBytes: MARKER_MAX_BYTES });
  } catch {
    return undefined;
  }
}

/**
 * Reads the markers of one identity (all, or only those named). A marker that does not
 * parse or cannot be read safely is ignored, except `stopped` and `blocked`, whose mere
 * presence is honoured: failing safe means not waking. Marker files are tiny and local,
 * so they are read synchronously: for `list` over a large fleet that is several times
 * faster than hundreds of thread-pool round trips.
 */
export function readMarkers(dir: string, only?: readonly MarkerName[]): Markers {
  assertStateRootSafe(dirname(dir));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {};
    // A file where the directory should be gets a message saying so.
    assertPrivateEnough(dir, 'dir', 'state directory');
    throw error;
  }
  const markers: Markers = {};
  for (const name of names) {
    if (!isMarkerName(name) || (only && !only.includes(name))) continue;
    const value = parseMarker(name, readMarkerText(join(dir, name), name));
    if (value !== undefined) Object.assign(markers, { [name]: value });
    else if (name === 'stopped') markers.stopped = { at: new Date(0).toISOString() };
    else if (name === 'blocked') markers.blocked = { at: new Date(0).toISOString(), deaths: 0, windowSec: 0 };
  }
  return markers;
}

/**
 * Validates, then replaces the marker atomically: the rename replaces a symlink or
 * anything else found there rather than writing through it. An invalid value is a bug
 * in iapeer, refused before anything is written.
 */
export async function writeMarker<N extends MarkerName>(dir: string, name: N, value: MarkerValue<N>): Promise<void> {
  const parsed = MarkerSchemas[name].safeParse(value);
  if (!parsed.success) {
    throw new Error(`refusing to write an invalid ${name} marker in ${dir} (${describeIssues(parsed.error.issues)}): a bug in iapeer`);
  }
  assertStateRootSafe(dirname(dir));
  await ensurePrivateDir(dir, 'state directory');
  await writeFileAtomic(join(dir, name), `${JSON.stringify(parsed.data)}\n`, { mode: 0o600 });
}

export async function clearMarkers(dir: string, names: readonly MarkerName[]): Promise<void> {
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
}

export async function removeState(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
