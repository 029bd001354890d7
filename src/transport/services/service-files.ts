import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { RefusedError } from '../../core/errors.js';

/** The OS service managers iapeer writes services for. */
export type ServiceTarget = 'launchd' | 'systemd';

/** The daemon of one IAPEER_HOME, or the keeper of one always-on identity. */
export type ServiceRole = { readonly kind: 'daemon' } | { readonly kind: 'peer'; readonly identity: string };

export interface ServiceNames {
  /** systemd unit name, e.g. `iapeer-daemon.service`. */
  readonly unit: string;
  /** launchd label, e.g. `dev.iapeer.daemon`. */
  readonly label: string;
  /** The file the service's stdout and stderr go to, under `logs/`. */
  readonly logName: string;
}

/** What a service runs and with what, before it is written in one manager's format. */
export interface ServiceSpec {
  readonly role: ServiceRole;
  readonly names: ServiceNames;
  /** Absolute node, absolute CLI, then the verb's words. */
  readonly program: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The service's working directory: the user's home. */
  readonly workingDirectory: string;
  readonly logFile: string;
  readonly home: string;
}

/** Whether the file was written by iapeer: the line every service file of iapeer carries near its top. */
const MARKER = /^(?:# |<!-- )Written by iapeer\b/m;
const MARKER_WINDOW = 512;

/** Seconds between restarts (systemd RestartSec, launchd ThrottleInterval). */
export const RESTART_DELAY_SEC = 10;
/** systemd gives up after this many starts within the interval (launchd has no such limit). */
export const START_LIMIT_BURST = 10;
export const START_LIMIT_INTERVAL_SEC = 600;
/** The daemon ends within 5 s of SIGTERM; a keeper at once. Past this the manager kills. */
const STOP_TIMEOUT_SEC = 15;

export function hasMarker(text: string): boolean {
  return MARKER.test(text.slice(0, MARKER_WINDOW));
}

/**
 * Tells homes apart in service names: the default home (`~/.iapeer`) gets none, any other
 * a short hash of its path, so several homes of one user never share a service.
 */
export function homeTag(home: string, defaultHome: string): string | undefined {
  if (home === defaultHome) return undefined;
  return createHash('sha256').update(home).digest('hex').slice(0, 8);
}

export function serviceNames(role: ServiceRole, tag: string | undefined): ServiceNames {
  const base = role.kind === 'daemon' ? 'daemon' : `peer-${role.identity}`;
  return {
    unit: `iapeer-${base}${tag === undefined ? '' : `-${tag}`}.service`,
    label: `dev.iapeer.${role.kind === 'daemon' ? 'daemon' : `peer.${role.identity}`}${tag === undefined ? '' : `.${tag}`}`,
    logName: `service-${base}.log`,
  };
}

/** Where the file goes: `~/Library/LaunchAgents` or `$XDG_CONFIG_HOME/systemd/user` (default `~/.config`). */
export function serviceFilePath(target: ServiceTarget, names: ServiceNames, env: { home: string; xdgConfigHome: string | undefined }): string {
  if (target === 'launchd') return join(env.home, 'Library', 'LaunchAgents', `${names.label}.plist`);
  const config = env.xdgConfigHome?.startsWith('/') === true ? env.xdgConfigHome : join(env.home, '.config');
  return join(config, 'systemd', 'user', names.unit);
}

/** iapeer's settings a service keeps, so the daemon runs as configured when installed. */
const PASSED_SETTINGS = [
  'IAPEER_SOCK_DIR',
  'IAPEER_TMUX',
  'IAPEER_SUPERVISE_INTERVAL_MS',
  'IAPEER_IDLE_TIMEOUT_S',
  'IAPEER_LIFECYCLE_LOG_MAX_BYTES',
  'IAPEER_LIFECYCLE_LOG_KEEP',
  'IAPEER_SUPERVISE_LOG_VERBOSE',
  'IAPEER_LOG_LEVEL',
  'IAPEER_ON_ATTENTION',
  'IAPEER_SSH',
  'IAPEER_HOST_NAME',
] as const;

/**
 * The service's environment: launchd and systemd start it nearly empty, so PATH (where tmux
 * and the runtimes are), HOME, IAPEER_HOME and a UTF-8 LANG are set explicitly.
 */
export function serviceEnv(
  target: ServiceTarget,
  env: Readonly<Record<string, string | undefined>>,
  input: { home: string; userHome: string },
): Record<string, string> {
  const result: Record<string, string> = {
    PATH: env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: input.userHome,
    IAPEER_HOME: input.home,
    LANG: env['LANG'] || (target === 'launchd' ? 'en_US.UTF-8' : 'C.UTF-8'),
  };
  for (const name of PASSED_SETTINGS) {
    const value = env[name];
    if (value !== undefined && value !== '') result[name] = value;
  }
  return result;
}

function describe(spec: ServiceSpec): string {
  return spec.role.kind === 'daemon' ? `iapeer daemon for ${spec.home}` : `iapeer always-on peer ${spec.role.identity} of ${spec.home}`;
}

function markerLine(spec: ServiceSpec): string {
  const how = spec.role.kind === 'daemon' ? 'iapeer daemon install' : `iapeer start (always-on ${spec.role.identity})`;
  return `Written by iapeer (${how}); iapeer rewrites and deletes only files with this line`;
}

/** A newline or other control character would break the file's syntax, and has no business in a path. */
function checkPrintable(spec: ServiceSpec): void {
  const values: Array<[string, string]> = [
    ['the command', spec.program.join(' ')],
    ['the log file', spec.logFile],
    ['HOME', spec.workingDirectory],
    ...Object.entries(spec.env),
  ];
  for (const [what, value] of values) {
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\x00-\x1f\x7f]/.test(value)) {
      throw new RefusedError(`${what} holds a control character (${JSON.stringify(value.slice(0, 80))}), which a service file cannot carry; fix it and retry`);
    }
  }
}

/** A systemd word, quoted: `\` and `"` escaped, `%` specifiers and (for Exec lines) `$` variables kept literal. */
function systemdWord(word: string, exec: boolean): string {
  let text = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (exec) text = text.replace(/\$/g, '$$$$');
  return `"${text}"`;
}

/** A systemd value that is not split into words (a path after `append:`): only `%` is special. */
function systemdPath(path: string): string {
  return path.replace(/%/g, '%%');
}

/** The systemd user unit: restarted on failure with a delay, and bounded by a start limit. */
export function renderUnit(spec: ServiceSpec): string {
  checkPrintable(spec);
  const env = Object.entries(spec.env).map(([name, value]) => `Environment=${systemdWord(`${name}=${value}`, false)}`);
  return [
    `# ${markerLine(spec)}.`,
    '[Unit]',
    `Description=${describe(spec).replace(/%/g, '%%')}`,
    `StartLimitIntervalSec=${START_LIMIT_INTERVAL_SEC}`,
    `StartLimitBurst=${START_LIMIT_BURST}`,
    '',
    '[Service]',
    'Type=exec',
    `ExecStart=${spec.program.map((word) => systemdWord(word, true)).join(' ')}`,
    ...env,
    `WorkingDirectory=${systemdPath(spec.workingDirectory)}`,
    'Restart=on-failure',
    `RestartSec=${RESTART_DELAY_SEC}`,
    // The tmux servers it starts must outlive it: stopping the keeper never ends the session
    // (iapeer stop does), and restarting the daemon never ends warm peers.
    'KillMode=process',
    `TimeoutStopSec=${STOP_TIMEOUT_SEC}`,
    `StandardOutput=append:${systemdPath(spec.logFile)}`,
    `StandardError=append:${systemdPath(spec.logFile)}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The launchd agent: started at load, restarted unless it exited 0, throttled. */
export function renderPlist(spec: ServiceSpec): string {
  checkPrintable(spec);
  const string = (value: string) => `<string>${xml(value)}</string>`;
  const env = Object.entries(spec.env).map(([name, value]) => `\t\t<key>${xml(name)}</key>\n\t\t${string(value)}`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // An XML comment may not hold "--"; the marker has none.
    `<!-- ${markerLine(spec)}. -->`,
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>',
    `\t${string(spec.names.label)}`,
    '\t<key>ProgramArguments</key>',
    '\t<array>',
    ...spec.program.map((word) => `\t\t${string(word)}`),
    '\t</array>',
    '\t<key>EnvironmentVariables</key>',
    '\t<dict>',
    ...env,
    '\t</dict>',
    '\t<key>WorkingDirectory</key>',
    `\t${string(spec.workingDirectory)}`,
    '\t<key>RunAtLoad</key>',
    '\t<true/>',
    '\t<key>KeepAlive</key>',
    '\t<dict>',
    '\t\t<key>SuccessfulExit</key>',
    '\t\t<false/>',
    '\t</dict>',
    '\t<key>ThrottleInterval</key>',
    `\t<integer>${RESTART_DELAY_SEC}</integer>`,
    '\t<key>ExitTimeOut</key>',
    `\t<integer>${STOP_TIMEOUT_SEC}</integer>`,
    '\t<key>StandardOutPath</key>',
    `\t${string(spec.logFile)}`,
    '\t<key>StandardErrorPath</key>',
    `\t${string(spec.logFile)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

export function renderService(target: ServiceTarget, spec: ServiceSpec): string {
  return target === 'launchd' ? renderPlist(spec) : renderUnit(spec);
}

/** A command line for people to read (dry runs, reports): words with odd characters single-quoted. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
