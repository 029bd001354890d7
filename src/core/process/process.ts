import { access, constants, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode } from '../errors.js';

/** True while a process with this pid exists (signal 0 probes without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * True while the process is running: alive and not a zombie. A pane's process that
 * has exited stays a zombie until its tmux server reaps it, which an exiting server
 * does only seconds later, so "gone" has to count zombies as gone. Linux answers from
 * /proc; elsewhere `ps` does.
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat !== undefined) {
    const { state } = statFields(stat);
    return state !== 'Z' && state !== 'X';
  }
  const { execa } = await import('execa');
  const result = await execa('ps', ['-o', 'stat=', '-p', String(pid)], { reject: false });
  return result.exitCode === 0 && !result.stdout.trim().startsWith('Z');
}

/** State and process group of a /proc/<pid>/stat line; the name before them may hold spaces. */
function statFields(stat: string): { state: string; group: number } {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '', group: Number(rest[2]) };
}

/** Polls until `check` holds or the deadline passes; returns whether it held. */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Sends a signal to a process group, falling back to the process; gone already is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch (error) {
      if (errnoCode(error) === 'ESRCH') continue;
      throw error;
    }
  }
}

/** Resolves a command the way execvp would: a path is checked as is, a bare name is searched in PATH. */
export async function findExecutable(command: string, pathVariable: string | undefined): Promise<string | undefined> {
  const candidates = command.includes('/')
    ? [command]
    : (pathVariable ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
