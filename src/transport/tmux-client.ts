import { execa } from 'execa';
import { SessionError } from '../core/errors.js';

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

export function createTmuxRunner(bin: string, env: Readonly<Record<string, string>>): TmuxRunner {
  return {
    async run(args, options = {}) {
      try {
        const result = await execa(bin, args, {
          env,
          extendEnv: false,
          reject: false,
          timeout: TMUX_TIMEOUT_MS,
          ...(options.input === undefined ? { stdin: 'ignore' } : { input: options.input }),
        });
        if (result.failed && result.exitCode === undefined) {
          throw new SessionError(`${bin} could not run: ${result.shortMessage}`, { cause: result });
        }
        return { ok: !result.failed, stdout: result.stdout, stderr: result.stderr };
      } catch (error) {
        if (error instanceof SessionError) throw error;
        throw new SessionError(`${bin} could not run: ${(error as Error).message}`, { cause: error });
      }
    },
    async interactive(args) {
      const result = await execa(bin, args, { env, extendEnv: false, stdio: 'inherit', reject: false });
      return result.exitCode ?? 1;
    },
  };
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
