import { join } from 'node:path';
import { MAX_SOCKET_PATH_BYTES } from '../../core/paths.js';
import type { DaemonStatus } from '../supervise/daemon-state.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One finding of `iapeer doctor`; `fix` says what to do about a warn or a fail. */
export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly Check[];
}

export function doctorReport(checks: readonly Check[]): DoctorReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}

export function ok(name: string, detail: string): Check {
  return { name, status: 'ok', detail };
}

export function problem(name: string, status: 'warn' | 'fail', detail: string, fix: string): Check {
  return { name, status, detail, fix };
}

/**
 * iapeer's messages say the problem, then after the last `; ` what to do: split them into
 * a check's detail and fix. A message with no advice gets `fallbackFix`.
 */
export function fromMessage(name: string, status: 'warn' | 'fail', message: string, fallbackFix: string): Check {
  const cut = message.lastIndexOf('; ');
  if (cut === -1) return problem(name, status, message, fallbackFix);
  return problem(name, status, message.slice(0, cut), message.slice(cut + 2));
}


export interface VariableProblem {
  readonly variable: string;
  readonly message: string;
}

/** One failing check per unusable variable; the checks that depend on one say they were skipped. */
export function environmentChecks(problems: readonly VariableProblem[], skipped: readonly string[]): Check[] {
  if (problems.length === 0) return [ok('environment', 'every iapeer variable that is set is valid')];
  const after = skipped.length === 0 ? '' : ` (checks skipped until then: ${skipped.join(', ')})`;
  return problems.map(({ variable, message }) =>
    problem(variable, 'fail', message, `fix or unset ${variable}, then run iapeer doctor again${after}`),
  );
}


export const MIN_TMUX = { major: 3, minor: 2 } as const;
const INSTALL_TMUX = 'install tmux 3.2 or later (apt install tmux, brew install tmux, …) or point IAPEER_TMUX at one';

export type TmuxVersion =
  | { readonly kind: 'release'; readonly major: number; readonly minor: number }
  | { readonly kind: 'development' };

/** What `tmux -V` prints: `tmux 3.3a`, `tmux next-3.5`, `tmux 3.4-rc`, `tmux master`; undefined if none of these. */
export function parseTmuxVersion(output: string): TmuxVersion | undefined {
  const word = /^tmux\s+(\S+)/.exec(output.trim())?.[1];
  if (word === undefined) return undefined;
  if (word === 'master') return { kind: 'development' };
  const release = /^(?:next-)?(\d+)\.(\d+)/.exec(word);
  if (!release) return undefined;
  return { kind: 'release', major: Number(release[1]), minor: Number(release[2]) };
}

export type TmuxFacts =
  | { readonly found: false; readonly bin: string }
  | { readonly found: true; readonly bin: string; readonly path: string; readonly output: string; readonly error?: string };

export function tmuxCheck(facts: TmuxFacts): Check {
  const name = 'tmux';
  if (!facts.found) {
    const where = facts.bin.includes('/') ? facts.bin : `${facts.bin} (searched on PATH)`;
    return problem(name, 'fail', `${where} not found or not executable`, INSTALL_TMUX);
  }
  if (facts.error !== undefined) return problem(name, 'fail', `${facts.path} -V failed: ${facts.error}`, INSTALL_TMUX);
  const shownOutput = facts.output.trim().split('\n')[0] ?? '';
  const version = parseTmuxVersion(facts.output);
  if (version === undefined) {
    return problem(name, 'warn', `${facts.path}: cannot tell the version from ${JSON.stringify(shownOutput.slice(0, 80))}`, `make sure it is tmux 3.2 or later; if it is not, ${INSTALL_TMUX}`);
  }
  if (version.kind === 'development') return ok(name, `${shownOutput} (${facts.path}): a development build, taken as recent`);
  const { major, minor } = version;
  if (major < MIN_TMUX.major || (major === MIN_TMUX.major && minor < MIN_TMUX.minor)) {
    return problem(name, 'fail', `${shownOutput} (${facts.path}) is older than 3.2`, INSTALL_TMUX);
  }
  return ok(name, `${shownOutput} (${facts.path})`);
}


/**
 * The longest socket path in use (every registered identity, and the daemon's) against the
 * limit of unix sockets, and how long an identity may be before it would not fit.
 */
export function socketPathsCheck(sockDir: string, identities: readonly string[], daemonSocket: string): Check {
  const name = 'socket paths';
  const paths = [daemonSocket, ...identities.map((identity) => join(sockDir, identity))];
  const longest = paths.reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a));
  const bytes = Buffer.byteLength(longest);
  const room = MAX_SOCKET_PATH_BYTES - Buffer.byteLength(join(sockDir, 'x')) + 1;
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    return problem(
      name,
      'fail',
      `${longest} is ${bytes} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit of unix sockets`,
      'point IAPEER_SOCK_DIR at a shorter directory, such as /tmp/iapeer-$UID',
    );
  }
  const which = identities.length === 0 ? 'no peer yet; longest' : 'longest';
  return ok(name, `${which}: ${longest} (${bytes} of ${MAX_SOCKET_PATH_BYTES} bytes); identities up to ${room} characters fit`);
}


export interface RuntimeUse {
  readonly runtime: string;
  readonly peers: readonly string[];
  /** The commands its argv starts with (fresh, resume), or undefined when the runtime is not defined. */
  readonly commands: readonly string[] | undefined;
  /** The commands not found (as execvp would search PATH). */
  readonly missing: readonly string[];
}

function peersOf(use: RuntimeUse): string {
  const [first, ...rest] = use.peers;
  return rest.length === 0 ? `peer ${first}` : `peers ${use.peers.join(', ')}`;
}

/** One check per runtime the registry uses: defined, and its command found. */
export function runtimeChecks(uses: readonly RuntimeUse[], runtimesFile: string, runtimesFileValid: boolean): Check[] {
  if (uses.length === 0) return [ok('runtimes', 'no peer uses a runtime yet')];
  return uses.map((use) => {
    const name = `runtime ${use.runtime}`;
    if (use.commands === undefined) {
      return runtimesFileValid
        ? problem(name, 'fail', `${peersOf(use)} uses runtime ${use.runtime}, which is neither built in nor defined in ${runtimesFile}`, `define it in ${runtimesFile}, or change the peer with iapeer add <peer> --runtime <runtime>`)
        : problem(name, 'warn', `${peersOf(use)} uses runtime ${use.runtime}, which cannot be checked while ${runtimesFile} is invalid`, `fix ${runtimesFile} (see its check)`);
    }
    if (use.missing.length > 0) {
      const list = use.missing.map((command) => JSON.stringify(command)).join(', ');
      return problem(
        name,
        'fail',
        `command ${list} (used by ${peersOf(use)}) is not on PATH`,
        `install it, or define the runtime in ${runtimesFile} with an absolute path`,
      );
    }
    return ok(name, `${use.commands.join(', ')} found (used by ${peersOf(use)})`);
  });
}


const START_DAEMON = 'run iapeer daemon install (or iapeer daemon run in a terminal)';

/** A tick this many intervals late (and at least a minute) means the daemon is stuck. */
const LATE_TICKS = 5;

function ageOf(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

export function daemonCheck(status: DaemonStatus, now: Date, intervalMs: number, stateFile: string): Check {
  const name = 'daemon';
  switch (status.kind) {
    case 'never-ran':
      return problem(name, 'warn', 'not running: it never ran here, so idle peers are not reaped and queued messages wait', START_DAEMON);
    case 'unreadable':
      return problem(name, 'warn', `cannot tell whether it runs: ${status.problem}`, `move ${stateFile} aside (the daemon rewrites it), then ${START_DAEMON}`);
    case 'stopped': {
      const { stoppedAt, pid } = status.state;
      const ago = ageOf(Math.max(0, now.getTime() - Date.parse(stoppedAt)));
      return problem(name, 'warn', `not running: stopped cleanly at ${stoppedAt} (${ago} ago, pid ${pid})`, START_DAEMON);
    }
    case 'stale':
      return problem(name, 'warn', `not running: pid ${status.state.pid} (started ${status.state.startedAt}) is gone`, START_DAEMON);
    case 'running': {
      const { state } = status;
      const last = state.lastTickAt === null ? undefined : Date.parse(state.lastTickAt);
      const lateMs = Math.max(LATE_TICKS * intervalMs, 60_000);
      const since = last === undefined ? now.getTime() - Date.parse(state.startedAt) : now.getTime() - last;
      if (since > lateMs) {
        const what = last === undefined ? `has not ticked since it started ${ageOf(since)} ago` : `last ticked ${ageOf(since)} ago`;
        return problem(name, 'warn', `pid ${state.pid} runs but ${what}`, 'look at logs/daemon.log, then restart the daemon');
      }
      const tick = last === undefined ? 'no tick yet' : `last tick ${ageOf(since)} ago`;
      return ok(name, `running (pid ${state.pid}, version ${state.version}, ${tick})`);
    }
  }
}
