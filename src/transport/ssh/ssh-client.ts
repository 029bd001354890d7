import { closeSync, openSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { execa } from 'execa';
import { acquireLock } from '../../core/lock/file-lock.js';
import { lastLineOf } from '../../core/text/last-line.js';
import { passOn } from './pass-output.js';
import { type RemoteCommand, remoteCommandLine, splitStarted, stopCommandLine } from './remote-command.js';
import { SESSION_SLOTS, takeSessionSlot } from './session-slots.js';
import { type SshReach, controlArgv, masterArgv, masterPidOf, sshArgv } from './ssh-argv.js';

/** What one call to another host gave back: the remote iapeer's exit code and output, as they are. */
export interface SshResult {
  /** The remote command's exit code; 255 is ssh's own failure (see `reached`). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** False when the command never started there (no connection, refused, timed out before it ran). */
  readonly reached: boolean;
  /** The last line ssh or the remote printed on stderr, for the one error line. */
  readonly lastLine: string;
}

/** One call's input and time limit (none: it may run as long as it runs, e.g. `log --follow`). */
export interface SshCall {
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Ends the call early: its ssh is ended, which ends the session there. */
  readonly signal?: AbortSignal;
}

/** Where a piped call's output goes, as it comes. */
export interface SshSink {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export interface SshClientOptions {
  /** The ssh binary (IAPEER_SSH). */
  readonly bin: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A control command talks to the local master only: it answers at once or the master hangs. */
const CONTROL_TIMEOUT_MS = 3000;
/** A call with no time limit waits this long at most for one of the host's session slots. */
const SLOT_WAIT_MS = 60_000;
/** Starting the master waits for the connect timeout and the authentication after it. */
const MASTER_GRACE_MS = 10_000;
/** A call stopped early: how long its command there has to end, once told, before its ssh is ended. */
const STOP_GRACE_MS = 3000;
/** A master is started by one process at a time; the others wait that long for it at most. */
const MASTER_LOCK = { staleMs: 10_000, waitMs: 60_000 } as const;

/**
 * Calls to one host, all over one control master: the first caller starts it (`ssh -N -f`,
 * under a lock, its stderr in a file so no pipe of ours stays open while it persists) and every
 * call then runs with ControlMaster=no on its socket. A master that does not answer `-O check`
 * is replaced; a call that times out ends the master, and is tried once more only if it never
 * started there.
 */
export class SshClient {
  private readonly lockPath: string;
  private readonly errorFile: string;
  private readonly pidFile: string;

  constructor(
    private readonly options: SshClientOptions,
    private readonly reach: SshReach,
  ) {
    this.lockPath = `${reach.controlPath}.lock`;
    this.errorFile = `${reach.controlPath}.err`;
    this.pidFile = `${reach.controlPath}.pid`;
  }

  async run(command: RemoteCommand, call: SshCall): Promise<SshResult> {
    const master = await this.ensureMaster();
    if (master !== undefined) return master;
    const first = await this.once(command, call);
    if (!first.timedOut) return first.result;
    // A master that lets a call hang (a dead link it has not noticed yet) is ended, not reused.
    await this.endMaster();
    if (first.result.reached) return first.result;
    const again = await this.ensureMaster();
    if (again !== undefined) return again;
    return (await this.once(command, call)).result;
  }

  /**
   * One call whose output is passed on as it comes (`log --follow` never ends): stdout to
   * `sink.stdout`, stderr without the started marker to `sink.stderr`. Never tried twice:
   * what it printed is printed. The result's stdout and stderr are empty.
   */
  async pipe(command: RemoteCommand, call: SshCall & { sink: SshSink }): Promise<SshResult> {
    const master = await this.ensureMaster();
    if (master !== undefined) return master;
    return (await this.once(command, call)).result;
  }

  /**
   * One call with this terminal (`ssh -t`, stdio inherited), over the master: the remote exit
   * code, or the failure to reach the host.
   */
  async interactive(command: RemoteCommand): Promise<SshResult> {
    const master = await this.ensureMaster();
    if (master !== undefined) return master;
    const result = await execa(this.options.bin, this.interactiveArgv(command), { env: this.options.env, extendEnv: false, reject: false, stdio: 'inherit' });
    const code = result.exitCode ?? 255;
    // The terminal got every byte: there is no marker to read, so ssh's own failure is its exit code.
    return { code, stdout: '', stderr: '', reached: code !== 255, lastLine: code === 255 ? 'ssh failed (exit 255)' : '' };
  }

  /** The argv of an interactive call (`ssh -t`), for a verb that hands the terminal over. */
  interactiveArgv(command: RemoteCommand): string[] {
    return sshArgv(this.reach, remoteCommandLine(command, { marker: false }), { tty: true });
  }

  /**
   * Ends the host's master and removes its socket. A master that does not answer (stopped,
   * hung) is killed by the pid recorded when it started, if that process is still it.
   */
  async endMaster(known?: { ok: false; output: string }): Promise<void> {
    const check = known ?? (await this.control('check'));
    const exit = check.ok ? await this.control('exit') : { ok: false };
    if (!exit.ok) {
      const pid = (check.ok ? masterPidOf(check.output) : undefined) ?? (await this.recordedPid());
      if (pid !== undefined) killQuietly(pid);
    }
    await rm(this.reach.controlPath, { force: true });
    await rm(this.pidFile, { force: true });
  }

  /** The pid written when this host's master started, if that process still runs for this socket. */
  private async recordedPid(): Promise<number | undefined> {
    const pid = Number((await readFile(this.pidFile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    // Where /proc tells, make sure the pid was not reused by another program since.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline !== undefined && !cmdline.includes(this.reach.controlPath)) return undefined;
    return pid;
  }

  /** Makes sure a master answers on the socket; a failure to start one is the call's result. */
  private async ensureMaster(): Promise<SshResult | undefined> {
    if (await this.answers()) return undefined;
    const lock = await acquireLock(this.lockPath, this.lockPath, MASTER_LOCK);
    try {
      // Another process may have started it while this one waited for the lock.
      if (await this.answers()) return undefined;
      await rm(this.reach.controlPath, { force: true });
      return await this.startMaster();
    } finally {
      await lock.release();
    }
  }

  /** True when the socket is there and its master answers; a socket nobody answers on is removed. */
  private async answers(): Promise<boolean> {
    const there = await stat(this.reach.controlPath).then(
      () => true,
      () => false,
    );
    if (!there) return false;
    const check = await this.control('check');
    if (check.ok) return true;
    await this.endMaster({ ok: false, output: check.output });
    return false;
  }

  private async startMaster(): Promise<SshResult | undefined> {
    // A file, not a pipe: the master goes on after ssh exits, holding what it was given.
    const fd = openSync(this.errorFile, 'w', 0o600);
    let ended: { code: number | null; timedOut: boolean; error?: Error };
    try {
      ended = await spawnDetachedStart(this.options, masterArgv(this.reach), fd, this.reach.connectTimeoutS * 1000 + MASTER_GRACE_MS);
    } finally {
      closeSync(fd);
    }
    if (ended.code === 0 && !ended.timedOut) {
      const pid = masterPidOf((await this.control('check')).output);
      if (pid !== undefined) await writeFile(this.pidFile, `${pid}\n`, { mode: 0o600 });
      return undefined;
    }
    const said = lastLineOf(await readFile(this.errorFile, 'utf8').catch(() => ''));
    const lastLine = ended.timedOut
      ? `no connection within ${this.reach.connectTimeoutS + MASTER_GRACE_MS / 1000} s`
      : ended.error !== undefined
        ? `cannot run ${this.options.bin}: ${ended.error.message}`
        : said || `ssh failed (exit ${ended.code ?? 'by a signal'})`;
    return { code: 255, stdout: '', stderr: said, reached: false, lastLine };
  }

  private async control(command: 'check' | 'exit'): Promise<{ ok: boolean; output: string }> {
    const result = await execa(this.options.bin, controlArgv(this.reach, command), {
      env: this.options.env,
      extendEnv: false,
      reject: false,
      timeout: CONTROL_TIMEOUT_MS,
      forceKillAfterDelay: 500,
      stdin: 'ignore',
    });
    return { ok: result.exitCode === 0 && !result.timedOut, output: `${String(result.stdout)}\n${String(result.stderr)}` };
  }

  private async once(command: RemoteCommand, call: SshCall & { sink?: SshSink }): Promise<{ result: SshResult; timedOut: boolean }> {
    const slot = await takeSessionSlot(this.reach.controlPath, call.timeoutMs ?? SLOT_WAIT_MS);
    if (slot === undefined) {
      const lastLine = `all ${SESSION_SLOTS} sessions to this host stayed busy for ${Math.round((call.timeoutMs ?? SLOT_WAIT_MS) / 1000)} s`;
      return { timedOut: false, result: { code: 255, stdout: '', stderr: '', reached: false, lastLine } };
    }
    try {
      return await this.session(command, call);
    } finally {
      await slot.release();
    }
  }

  private async session(command: RemoteCommand, call: SshCall & { sink?: SshSink }): Promise<{ result: SshResult; timedOut: boolean }> {
    if (call.signal?.aborted === true) return { timedOut: false, result: { code: 255, stdout: '', stderr: '', reached: false, lastLine: 'stopped before it started' } };
    const running = execa(this.options.bin, sshArgv(this.reach, remoteCommandLine(command)), {
      env: this.options.env,
      extendEnv: false,
      reject: false,
      ...(call.timeoutMs === undefined ? {} : { timeout: call.timeoutMs }),
      forceKillAfterDelay: 1000,
      ...(call.input === undefined ? { stdin: 'ignore' as const } : { input: call.input }),
      stripFinalNewline: false,
      ...(call.sink === undefined ? {} : { buffer: false }),
    });
    const passed = call.sink === undefined ? undefined : passOn(running, call.sink);
    const stop = () => void this.stopThere(passed?.pid(), running);
    call.signal?.addEventListener('abort', stop, { once: true });
    const result = await running.finally(() => call.signal?.removeEventListener('abort', stop));
    const { started, stderr } = passed === undefined ? splitStarted(String(result.stderr ?? '')) : passed.ended();
    const stdout = passed === undefined ? String(result.stdout ?? '') : '';
    const shownStderr = passed === undefined ? stderr : '';
    if (result.timedOut) {
      const lastLine = `no answer within ${Math.round((call.timeoutMs ?? 0) / 1000)} s`;
      return { timedOut: true, result: { code: 255, stdout, stderr: shownStderr, reached: started, lastLine } };
    }
    const code = result.exitCode ?? 255;
    const lastLine = lastLineOf(stderr) || (code === 255 ? 'ssh failed (exit 255)' : '');
    return { timedOut: false, result: { code, stdout, stderr: shownStderr, reached: started, lastLine } };
  }

  /**
   * Ends a call stopped early: the command there is sent SIGTERM (ending its ssh would not end
   * it: without a terminal it learns that its reader went only when it next writes), and the
   * ssh here is ended if the command has not ended within the grace, or never started.
   */
  private async stopThere(pid: number | undefined, running: { kill(signal: 'SIGTERM'): boolean; finally(then: () => void): unknown }): Promise<void> {
    let over = false;
    void running.finally(() => (over = true));
    if (pid !== undefined) {
      const slot = await takeSessionSlot(this.reach.controlPath, STOP_GRACE_MS);
      if (slot !== undefined) {
        try {
          await execa(this.options.bin, sshArgv(this.reach, stopCommandLine(pid)), { env: this.options.env, extendEnv: false, reject: false, timeout: STOP_GRACE_MS, stdin: 'ignore' });
        } finally {
          await slot.release();
        }
      }
    }
    const timer = setTimeout(() => over || running.kill('SIGTERM'), pid === undefined ? 0 : STOP_GRACE_MS);
    void running.finally(() => clearTimeout(timer));
  }
}

/**
 * Runs the master's starter with stderr on `fd` and no pipe at all (execa would pipe), and
 * waits for that process only: the master it forks keeps the fd, not us.
 */
function spawnDetachedStart(
  options: SshClientOptions,
  argv: readonly string[],
  fd: number,
  timeoutMs: number,
): Promise<{ code: number | null; timedOut: boolean; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(options.bin, argv, { env: options.env, stdio: ['ignore', 'ignore', fd] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, timedOut, error });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut });
    });
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
