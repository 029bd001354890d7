import { UsageError } from './errors.js';

export const PERSONALITY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,47}$/;
export const RUNTIME_PATTERN = /^[a-z][a-z0-9]{0,15}$/;
/** A host's name in `hosts.json` and in `@<host>` targets. */
export const HOST_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** The host name that means this machine: never an entry of `hosts.json`. */
export const LOCAL_HOST = 'local';

export interface Identity {
  readonly runtime: string;
  readonly personality: string;
}

export function isPersonality(value: string): boolean {
  return PERSONALITY_PATTERN.test(value);
}

export function isRuntimeName(value: string): boolean {
  return RUNTIME_PATTERN.test(value);
}

/** Shows a rejected name safely: quoted, control characters escaped, long names cut. */
function shown(value: string): string {
  const cut = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(cut);
}

export function parsePersonality(value: string): string {
  if (!isPersonality(value)) {
    throw new UsageError(
      `invalid peer name ${shown(value)}: use 1-48 of a-z, 0-9, '_' and '-', starting with a letter or digit`,
      'EINVALIDNAME',
    );
  }
  return value;
}

export function parseRuntimeName(value: string): string {
  if (!isRuntimeName(value)) {
    throw new UsageError(
      `invalid runtime name ${shown(value)}: use 1-16 of a-z and 0-9, starting with a letter`,
      'EINVALIDNAME',
    );
  }
  return value;
}

export function formatIdentity(identity: Identity): string {
  return `${identity.runtime}-${identity.personality}`;
}

/** Splits `<runtime>-<personality>` on the first `-`; undefined if either half is invalid. */
export function tryParseIdentity(value: string): Identity | undefined {
  const dash = value.indexOf('-');
  if (dash <= 0) return undefined;
  const runtime = value.slice(0, dash);
  const personality = value.slice(dash + 1);
  if (!isRuntimeName(runtime) || !isPersonality(personality)) return undefined;
  return { runtime, personality };
}

export function parseIdentity(value: string): Identity {
  const identity = tryParseIdentity(value);
  if (!identity) {
    throw new UsageError(
      `invalid identity ${shown(value)}: expected <runtime>-<peer>, e.g. claude-boris`,
      'EINVALIDNAME',
    );
  }
  return identity;
}

/**
 * Turns a directory's base name into a peer name: lower case, runs of other
 * characters folded to '-', leading separators dropped, cut to 48 characters.
 */
export function normalisePersonality(raw: string): string | undefined {
  const folded = raw
    .normalize('NFKD')
    // NFKD splits an accented letter into the letter and a combining mark; drop the mark.
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 48)
    .replace(/[-_]+$/, '');
  return isPersonality(folded) ? folded : undefined;
}

/** A target with its host: `boris@build` is `{ name: 'boris', host: 'build' }`; no `@` (or `@local`) is this machine. */
export interface HostTarget {
  readonly name: string;
  /** Undefined for this machine. */
  readonly host: string | undefined;
}

/** `<name>@<host>` split on its last `@`, neither part checked; undefined without an `@`. */
export function atHost(value: string): { readonly name: string; readonly host: string } | undefined {
  const at = value.lastIndexOf('@');
  return at === -1 ? undefined : { name: value.slice(0, at), host: value.slice(at + 1) };
}

/**
 * Splits `<peer|identity>@<host>` on its last `@`. A host part that is not a host name is a
 * usage error (exit 2), and so is an empty name before it; the name itself is checked by the
 * verb (here, or on that host).
 */
export function splitHost(value: string): HostTarget {
  const parts = atHost(value);
  if (parts === undefined) return { name: value, host: undefined };
  const { name, host } = parts;
  if (name === '' || !HOST_PATTERN.test(host)) {
    throw new UsageError(
      `invalid target ${shown(value)}: expected <peer>@<host>, e.g. boris@build, the host a name of hosts.json (1-32 of a-z, 0-9 and -)`,
      'EINVALIDNAME',
    );
  }
  return { name, host: host === LOCAL_HOST ? undefined : host };
}

/**
 * This machine's name as other hosts know it, from its host name: the first label, lower
 * case, other characters folded to '-', cut to 32. What no host name can give (or `local`,
 * which means "this machine" everywhere) is `host`.
 */
export function hostNameFrom(systemName: string): string {
  const folded = (systemName.split('.')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return HOST_PATTERN.test(folded) && folded !== LOCAL_HOST ? folded : 'host';
}
