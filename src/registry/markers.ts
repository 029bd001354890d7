import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../core/atomic-write.js';
import { errnoCode } from '../core/errors.js';
import { ensurePrivateDir } from '../core/paths.js';

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
  /** Recent ends of sessions iapeer started, newest last. */
  deaths: z.array(z.object({ at, exit: z.nullable(z.number()), fast: z.boolean() })),
  /** The current (or last) session iapeer spawned. */
  spawned: z.object({
    at,
    pid: z.number(),
    tty: z.string(),
    serverPid: z.number(),
    mode: z.enum(['fresh', 'resume']),
    cause: z.string(),
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

/**
 * Reads the markers of one identity (all, or only those named). A marker that does not
 * parse is ignored, except `stopped` and `blocked`, whose mere presence is honoured:
 * failing safe means not waking. Marker files are tiny and local, so they are read
 * synchronously: for `list` over a large fleet that is several times faster than
 * hundreds of thread-pool round trips.
 */
export function readMarkers(dir: string, only?: readonly MarkerName[]): Markers {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {};
    throw error;
  }
  const markers: Markers = {};
  for (const name of names) {
    if (!isMarkerName(name) || (only && !only.includes(name))) continue;
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      text = undefined;
    }
    const value = parseMarker(name, text);
    if (value !== undefined) Object.assign(markers, { [name]: value });
    else if (name === 'stopped') markers.stopped = { at: new Date(0).toISOString() };
    else if (name === 'blocked') markers.blocked = { at: new Date(0).toISOString(), deaths: 0, windowSec: 0 };
  }
  return markers;
}

export async function writeMarker<N extends MarkerName>(dir: string, name: N, value: MarkerValue<N>): Promise<void> {
  await ensurePrivateDir(dir);
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value)}\n`, { mode: 0o600 });
}

export async function clearMarkers(dir: string, names: readonly MarkerName[]): Promise<void> {
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
}

export async function removeState(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
