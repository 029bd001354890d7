import type { Writable } from 'node:stream';

/** The terminal a verb renders to. */
export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
}
