import { execa } from 'execa';

export interface ExecResult {
  /** undefined when the program could not be run at all (see `missing`) or did not answer. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** The program is not there (not on PATH, not executable). */
  readonly missing: boolean;
}

/**
 * Runs launchctl, systemctl or loginctl: an argv array, never a shell. The seam the service
 * managers are tested through; a failure is a result, never a throw.
 */
export type ServiceExec = (file: string, args: readonly string[]) => Promise<ExecResult>;

/** None of these commands should take long; a stuck one is cut off and reported. */
const EXEC_TIMEOUT_MS = 60_000;

export function createServiceExec(env: Readonly<Record<string, string>>): ServiceExec {
  return async (file, args) => {
    const result = await execa(file, args, { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: EXEC_TIMEOUT_MS });
    const code = (result as { code?: unknown }).code;
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.timedOut ? `did not answer within ${EXEC_TIMEOUT_MS / 1000} s` : result.stderr,
      missing: code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR',
    };
  };
}
