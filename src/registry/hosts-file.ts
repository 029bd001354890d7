import { join } from 'node:path';
import * as z from 'zod/mini';
import { CorruptFileError } from '../core/errors.js';
import { readRegularFileSync } from '../core/fs/safe-fs.js';
import { describeIssues } from '../core/validation.js';
import { HOST_PATTERN, LOCAL_HOST } from '../core/names.js';


// `[user@]host[:port]`: a user name, a host name or IPv4 address (or an IPv6 one in brackets),
// a port. Nothing that ssh could read as an option (a leading `-`), and no space, quote or shell
// character: the value goes to ssh as one argument, never through a shell, but it must also
// not be a second option or a config directive in disguise.
const USER = '[A-Za-z_][A-Za-z0-9_.-]{0,31}';
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*';
const IPV6 = '\\[[0-9A-Fa-f:.]{2,45}\\]';
const SSH_TARGET = new RegExp(`^(?:(${USER})@)?(${NAME}|${IPV6})(?::([0-9]{1,5}))?$`);

/** Where a host is reached, as ssh takes it. */
export interface SshTarget {
  readonly user: string | undefined;
  /** Without brackets for IPv6. */
  readonly host: string;
  readonly port: number | undefined;
}

/** `[user@]host[:port]` read, or a reason it is none. */
export function parseSshTarget(text: string): SshTarget | string {
  const match = SSH_TARGET.exec(text);
  if (match === null) return `expected [user@]host[:port] (letters, digits, - . _ only; not starting with -), got ${JSON.stringify(text.slice(0, 80))}`;
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return `port ${port} is not between 1 and 65535`;
  const host = match[2] ?? '';
  return { user: match[1], host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

function targetProblem(input: unknown): string {
  const parsed = typeof input === 'string' ? parseSshTarget(input) : 'expected a string';
  return typeof parsed === 'string' ? parsed : 'invalid';
}

const HostEntrySchema = z.strictObject({
  ssh: z.string().check(
    z.refine((text) => typeof parseSshTarget(text) !== 'string', { error: (issue) => targetProblem(issue.input) }),
  ),
  home: z.optional(
    z.string().check(
      z.refine((text) => text.startsWith('/') || text === '~' || text.startsWith('~/'), 'expected an absolute path or one under ~/ on that host'),
      z.refine((text) => !/[\0\n\r]/.test(text), 'must not hold a NUL or a line break'),
    ),
  ),
  iapeer: z.optional(
    z.union([z.string(), z.array(z.string())]).check(
      z.refine((value) => words(value).length > 0, 'expected the command that runs iapeer there, e.g. "iapeer" or ["node", "/opt/iapeer/dist/cli.cjs"]'),
      z.refine((value) => words(value).every((word) => word !== ''), 'must not hold an empty word'),
      z.refine((value) => words(value).every((word) => !/[\0\n\r]/.test(word)), 'must not hold a NUL or a line break'),
    ),
  ),
});

const HostsFileSchema = z.strictObject({ hosts: z.record(z.string(), HostEntrySchema) });

/** Why a key of `hosts` cannot be a host's name, if it cannot. */
function nameProblem(name: string): string | undefined {
  if (name === LOCAL_HOST) return `"${LOCAL_HOST}" is this machine and cannot be an entry: rename it`;
  if (!HOST_PATTERN.test(name)) return 'a host name is 1 to 32 of a-z, 0-9 and -, starting with a letter or digit';
  return undefined;
}

/** A string command is its words split on spaces; an array is taken as it is. */
function words(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? value.split(/\s+/).filter((word) => word !== '') : [...value];
}

/** One host of `hosts.json`, checked. */
export interface Host {
  readonly name: string;
  /** The `ssh` value as written. */
  readonly ssh: string;
  readonly target: SshTarget;
  /** The remote IAPEER_HOME, if not the remote's default. */
  readonly home: string | undefined;
  /** The remote command's words (default `iapeer`). */
  readonly iapeer: readonly string[];
}

export function hostsFileOf(home: string): string {
  return join(home, 'hosts.json');
}

/** Parses `hosts.json` text; a problem is a CorruptFileError naming the host and the field. */
export function parseHostsFile(file: string, text: string): Host[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptFileError(file, `not JSON: ${(error as Error).message}`);
  }
  // Names first, on their own: zod would only say "invalid key", not which rule it breaks.
  const hosts = typeof json === 'object' && json !== null ? (json as { hosts?: unknown }).hosts : undefined;
  if (typeof hosts === 'object' && hosts !== null && !Array.isArray(hosts)) {
    for (const name of Object.keys(hosts)) {
      const problem = nameProblem(name);
      if (problem !== undefined) throw new CorruptFileError(file, `host ${JSON.stringify(name.slice(0, 80))}: name: ${problem}`);
    }
  }
  const parsed = HostsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) =>
      issue.path[0] === 'hosts' && issue.path.length >= 2 ? { ...issue, path: [`host ${JSON.stringify(String(issue.path[1]))}`, ...issue.path.slice(2)] } : issue,
    );
    throw new CorruptFileError(file, describeIssues(issues));
  }
  return Object.entries(parsed.data.hosts)
    .map(([name, entry]) => ({
      name,
      ssh: entry.ssh,
      target: parseSshTarget(entry.ssh) as SshTarget,
      home: entry.home,
      iapeer: entry.iapeer === undefined ? ['iapeer'] : words(entry.iapeer),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The hosts of `$IAPEER_HOME/hosts.json`; none when it does not exist. */
export function readHosts(home: string): Host[] {
  const file = hostsFileOf(home);
  // Private like the registry: its entries decide what iapeer runs, here and on other hosts.
  const text = readRegularFileSync(file, 'hosts file', { privateOnly: true });
  return text === undefined ? [] : parseHostsFile(file, text);
}
