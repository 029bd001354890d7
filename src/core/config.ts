import { isAbsolute, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';
import { MAX_IDLE_TIMEOUT_SEC } from './limits.js';
import { HOST_PATTERN, LOCAL_HOST, hostNameFrom } from './names.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** Root of all state (`IAPEER_HOME`). */
  readonly home: string;
  /** Directory of the per-identity tmux sockets (`IAPEER_SOCK_DIR`). */
  readonly sockDir: string;
  /** The tmux binary (`IAPEER_TMUX`). */
  readonly tmuxBin: string;
  /** The OpenSSH client for other hosts (`IAPEER_SSH`); a wrapper script may add options. */
  readonly sshBin: string;
  /** This machine's name on other hosts (`IAPEER_HOST_NAME`, else from its host name): the origin in the `from` of a message that crossed. */
  readonly hostName: string;
  /** The caller's identity when running inside a session (`PEER_IDENTITY`), unvalidated. */
  readonly peerIdentity: string | undefined;
  readonly superviseIntervalMs: number;
  readonly idleTimeoutSec: number;
  readonly lifecycleLogMaxBytes: number;
  readonly lifecycleLogKeep: number;
  readonly superviseLogVerbose: boolean;
  readonly logLevel: LogLevel;
  /** What the daemon runs on attention and blocker events (`IAPEER_ON_ATTENTION`): an argv, never a shell line. */
  readonly onAttention: readonly string[] | null;
  /** `NO_COLOR` is set: never colour output. */
  readonly noColor: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

const wholeNumber = z.pipe(
  z.string().check(z.regex(/^\d{1,15}$/)),
  z.transform((text) => Number(text)),
);

function integerIn(min: number, max: number) {
  return z.pipe(wholeNumber, z.number().check(z.gte(min), z.lte(max)));
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];
const flag = z.pipe(
  z.string().check(z.refine((text) => [...TRUE_WORDS, ...FALSE_WORDS].includes(text.toLowerCase()))),
  z.transform((text) => TRUE_WORDS.includes(text.toLowerCase())),
);

const absolutePath = z.pipe(
  z.string().check(z.refine((text) => isAbsolute(text) && !text.includes('\0'))),
  z.transform((text) => resolve(text)),
);

const nonEmptyWord = z.string().check(z.regex(/^[^\0\n]+$/));

/** An argv as JSON: the command (a name looked up in PATH, or an absolute path) and its arguments, none empty. */
function argvOf(text: string): readonly string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((word): word is string => typeof word === 'string' && word !== '' && !word.includes('\0'))) return undefined;
  // No shell expands `~` and the daemon's working directory is its service manager's: a relative path would name nothing sure.
  const [command = ''] = value;
  if (command.includes('/') && !isAbsolute(command)) return undefined;
  return Object.freeze(value);
}

const hostName = z.string().check(z.refine((text) => HOST_PATTERN.test(text) && text !== LOCAL_HOST));

const argvJson = z.pipe(
  z.string().check(z.refine((text) => argvOf(text) !== undefined)),
  z.transform((text) => argvOf(text) ?? []),
);

/** One parser per variable, with the wording used when a value is refused. */
function read<T>(env: Env, name: string, schema: z.ZodMiniType<T, string>, expected: string): T | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  // Set but empty is refused too: falling back to the default would be a silent guess.
  if (raw === '') throw new ConfigError(name, `is set but empty; expected ${expected}, or unset it for the default`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
    throw new ConfigError(name, `expected ${expected}, got ${JSON.stringify(shown)}`);
  }
  return parsed.data;
}

/**
 * Reads iapeer's environment once. Every variable is validated; an unusable value
 * is an error naming the variable, never a silent default.
 */
export function loadConfig(env: Env, homeDir: string | undefined): Config {
  const explicitHome = read(env, 'IAPEER_HOME', absolutePath, 'an absolute path');
  let home = explicitHome;
  if (home === undefined) {
    if (!homeDir || !isAbsolute(homeDir)) {
      throw new ConfigError('IAPEER_HOME', 'is unset and there is no home directory to default to; set it to an absolute path');
    }
    home = join(homeDir, '.iapeer');
  }
  const config: Config = {
    home,
    sockDir: read(env, 'IAPEER_SOCK_DIR', absolutePath, 'an absolute path') ?? join(home, 'sock'),
    tmuxBin: read(env, 'IAPEER_TMUX', nonEmptyWord, 'a tmux binary name or path') ?? 'tmux',
    sshBin: read(env, 'IAPEER_SSH', nonEmptyWord, 'an ssh binary name or path') ?? 'ssh',
    hostName:
      read(env, 'IAPEER_HOST_NAME', hostName, 'a host name: 1-32 of a-z, 0-9 and -, starting with a letter or digit, not "local"') ?? hostNameFrom(hostname()),
    peerIdentity: env['PEER_IDENTITY'] === '' ? undefined : env['PEER_IDENTITY'],
    superviseIntervalMs:
      read(env, 'IAPEER_SUPERVISE_INTERVAL_MS', integerIn(10, 86_400_000), 'whole milliseconds from 10 to 86400000') ??
      10_000,
    idleTimeoutSec:
      read(env, 'IAPEER_IDLE_TIMEOUT_S', integerIn(0, MAX_IDLE_TIMEOUT_SEC), `whole seconds from 0 (never) to ${MAX_IDLE_TIMEOUT_SEC}`) ??
      3600,
    lifecycleLogMaxBytes:
      read(env, 'IAPEER_LIFECYCLE_LOG_MAX_BYTES', integerIn(4096, 2 ** 40), 'a byte count of at least 4096') ??
      5_242_880,
    lifecycleLogKeep: read(env, 'IAPEER_LIFECYCLE_LOG_KEEP', integerIn(1, 1000), 'a file count from 1 to 1000') ?? 5,
    superviseLogVerbose:
      read(env, 'IAPEER_SUPERVISE_LOG_VERBOSE', flag, 'one of 1, true, yes, on, 0, false, no, off') ?? false,
    logLevel:
      read(
        env,
        'IAPEER_LOG_LEVEL',
        z.pipe(
          z.string().check(z.overwrite((text) => text.toLowerCase())),
          z.enum(LOG_LEVELS),
        ),
        LOG_LEVELS.join(', '),
      ) ?? 'info',
    onAttention:
      read(
        env,
        'IAPEER_ON_ATTENTION',
        argvJson,
        'a JSON array of strings, none empty: the command (a name on PATH or an absolute path), then its arguments, e.g. ["notify-send","iapeer"]',
      ) ?? null,
    // NO_COLOR is honoured whenever it is set to anything non-empty (no-color.org).
    noColor: (env['NO_COLOR'] ?? '') !== '',
  };
  return Object.freeze(config);
}
