import type { Readable, Writable } from 'node:stream';
import { splitStarted } from './remote-command.js';

/** A piped call's output so far: whether the command started there, its pid, and the end of its stderr. */
export interface PassedOutput {
  pid(): number | undefined;
  /** Once the call ended: whether it started, and its stderr's last 4 KiB (ssh's own words if it never started). */
  ended(): { started: boolean; stderr: string };
}

/**
 * Passes a running call's output on as it comes: stdout as it is; stderr held until the
 * started marker has gone by (the remote prints it first), so the marker is never shown and
 * ssh's own words before it (the command never started) are left to the caller's error line.
 */
export function passOn(running: { stdout: Readable | null; stderr: Readable | null }, sink: { readonly stdout: Writable; readonly stderr: Writable }): PassedOutput {
  let head = '';
  let started = false;
  let pid: number | undefined;
  let tail = '';
  running.stdout?.on('data', (chunk: Buffer) => sink.stdout.write(chunk));
  running.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (started) {
      tail = (tail + text).slice(-4096);
      return void sink.stderr.write(text);
    }
    head = (head + text).slice(-4096);
    const split = splitStarted(head);
    if (!split.started) return;
    started = true;
    pid = split.pid;
    head = '';
    tail = split.stderr;
    if (split.stderr !== '') sink.stderr.write(split.stderr);
  });
  return { pid: () => pid, ended: () => ({ started, stderr: started ? tail : head }) };
}
