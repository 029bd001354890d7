import { execa } from 'execa';
import { SessionError } from '../../core/errors.js';

export interface TmuxResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TmuxRunner {
  run(args: readonly string[], options?: { input?: string }): Promise<TmuxResult>;
  /** Runs tmux with the caller's terminal, for attach. Resolves with tmux's exit code. */
  interactive(args: readonly string[]): Promise<number>;
}

/** tmux calls that hang are cut off; none of them should take more than a moment. */
const TMUX_TIMEOUT_MS = 10_000;

/** UTF-8 whatever the locale (launchd and cron set none), so tmux prints what is there, not `_`. */
const FORCE_UTF8 = '-u';

export function createTmuxRunner(bin: string, env: Readonly<Record<string, string>>): TmuxRunner {
  return {
    async run(args, options = {}) {
      try {
        const result = await execa(bin, [FORCE_UTF8, ...args], {
          env,
          extendEnv: false,
          reject: false,
          timeout: TMUX_TIMEOUT_MS,
          ...(options.input === undefined ? { stdin: 'ignore' } : { input: options.input }),
        });
        if (result.failed && result.exitCode === undefined) throw cannotRun(bin, args, result);
        return { ok: !result.failed, stdout: result.stdout, stderr: result.stderr };
      } catch (error) {
        if (error instanceof SessionError) throw error;
        throw cannotRun(bin, args, error);
      }
    },
    async interactive(args) {
      const result = await execa(bin, args, { env, extendEnv: false, stdio: 'inherit', reject: false });
      if (result.exitCode === undefined) throw cannotRun(bin, args, result);
      return result.exitCode;
    },
  };
}

/** The tmux command a command line runs (`list-panes`), for messages: never the whole line. */
function tmuxCommandOf(args: readonly string[]): string {
  return args.find((arg) => /^[a-z]+(-[a-z]+)+$/.test(arg)) ?? 'tmux';
}

/** tmux could not be started at all, or did not answer: one line that names the fix. */
function cannotRun(bin: string, args: readonly string[], failure: unknown): SessionError {
  const details = (failure ?? {}) as { code?: unknown; timedOut?: unknown; shortMessage?: unknown; message?: unknown };
  if (details.code === 'ENOENT' || details.code === 'EACCES' || details.code === 'ENOTDIR') {
    const fix = 'install tmux ≥ 3.2 or point IAPEER_TMUX at it';
    if (bin === 'tmux') return new SessionError(`tmux not found on PATH (or not executable); ${fix}`, { cause: failure });
    const where = bin.includes('/') ? '' : ' on PATH';
    return new SessionError(`IAPEER_TMUX: tmux binary ${JSON.stringify(bin)} not found${where} (or not executable); ${fix}`, { cause: failure });
  }
  if (details.timedOut === true) {
    return new SessionError(`tmux ${tmuxCommandOf(args)} did not answer within ${TMUX_TIMEOUT_MS / 1000} s; is the machine overloaded?`, {
      cause: failure,
    });
  }
  const reason = String(details.code ?? details.shortMessage ?? details.message ?? failure).split('\n')[0];
  return new SessionError(`tmux ${tmuxCommandOf(args)} could not run (${bin}): ${reason}`, { cause: failure });
}

export function isNoServer(stderr: string): boolean {
  return /no server running|error connecting to|server exited unexpectedly|lost server/.test(stderr);
}

export function isNoSession(stderr: string): boolean {
  return /can't find session|session not found|can't find pane/.test(stderr);
}

export function isDuplicateSession(stderr: string): boolean {
  return /duplicate session/.test(stderr);
}
