import * as z from 'zod/mini';
import { LOCAL_HOST } from '../../core/names.js';
import type { HostAnswer, Read } from './ask-hosts.js';

/**
 * A row of a host's `list --json`, as far as this iapeer reads it. Another host may run another
 * version: only the fields that name the row are required, and the row is kept as it came.
 */
export interface ListedRow {
  readonly personality: string;
  readonly runtime: string;
  readonly identity: string;
  readonly state: string;
  readonly activity?: string | null;
  readonly idleSeconds?: number | null;
  readonly waiting?: number;
  readonly description?: string;
}

const RowSchema = z.looseObject({
  personality: z.string(),
  runtime: z.string(),
  identity: z.string(),
  state: z.string(),
  activity: z.optional(z.nullable(z.string())),
  idleSeconds: z.optional(z.nullable(z.number())),
  waiting: z.optional(z.number()),
  description: z.optional(z.string()),
});

/** A host's `status --json`, as far as this iapeer reads it; kept as it came. */
export interface StatusDoc {
  readonly daemon: { readonly state: string } & Readonly<Record<string, unknown>>;
  readonly peers: Readonly<Record<string, unknown>>;
  readonly queue: Readonly<Record<string, unknown>>;
}

const StatusSchema = z.looseObject({
  daemon: z.looseObject({ state: z.string() }),
  peers: z.looseObject({}),
  queue: z.looseObject({}),
});

function parsed(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** The rows of a host's `list --json`, each as it came. */
export function readListRows(stdout: string): Read<ListedRow[]> {
  const json = parsed(stdout);
  if (!Array.isArray(json)) return { problem: 'printed no JSON array' };
  const bad = json.findIndex((row) => !RowSchema.safeParse(row).success);
  if (bad !== -1) return { problem: `printed a row ${bad} without personality, runtime, identity and state` };
  return { value: json as ListedRow[] };
}

/** A host's `status --json`, as it came. */
export function readStatusDoc(stdout: string): Read<StatusDoc> {
  const json = parsed(stdout);
  if (json === undefined) return { problem: 'printed no JSON' };
  if (!StatusSchema.safeParse(json).success) return { problem: 'printed no {daemon: {state}, peers, queue}' };
  return { value: json as StatusDoc };
}

/** A host that did not answer, where its rows or its status would be. */
export interface UnreachableHost {
  readonly host: string;
  readonly ssh: string;
  readonly state: 'unreachable';
  readonly error: string;
}

export type OnHost<T> = { readonly host: string } & T;

/** The entry as it came, with `host` first (a `host` it held is replaced). */
function onHost<T extends object>(host: string, entry: T): OnHost<T> {
  const { host: _theirs, ...rest } = entry as T & { host?: unknown };
  return { host, ...rest } as OnHost<T>;
}

export function isUnreachable(entry: object): entry is UnreachableHost {
  return (entry as { state?: unknown }).state === 'unreachable' && 'error' in entry && 'ssh' in entry;
}

/**
 * This machine's entries (host `local`) and each host's, in the order of the answers (that of
 * hosts.json); a host that did not answer is one entry saying so.
 */
export function mergeByHost<T extends object>(local: readonly T[], answers: ReadonlyArray<HostAnswer<readonly T[]>>): Array<OnHost<T> | UnreachableHost> {
  return [
    ...local.map((entry) => onHost(LOCAL_HOST, entry)),
    ...answers.flatMap((answer): Array<OnHost<T> | UnreachableHost> =>
      'error' in answer
        ? [{ host: answer.host.name, ssh: answer.host.ssh, state: 'unreachable', error: answer.error }]
        : answer.answer.map((entry) => onHost(answer.host.name, entry)),
    ),
  ];
}

/** One document per host (`status`): this machine's, then each host's. */
export function mergeOnePerHost<T extends object>(local: T, answers: ReadonlyArray<HostAnswer<T>>): Array<OnHost<T> | UnreachableHost> {
  return mergeByHost([local], answers.map((answer) => ('error' in answer ? answer : { host: answer.host, answer: [answer.answer] })));
}
