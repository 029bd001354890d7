import { UsageError } from '../core/errors.js';
import type { Io } from './io.js';

/** Attaching needs a terminal on both ends; refused before anything is changed. */
export function requireTerminal(io: Io, what: string): void {
  if (!io.stdinIsTTY || !io.stdoutIsTTY) {
    throw new UsageError(`${what} needs a terminal (stdin and stdout are not both a TTY)`, 'ENOTTY');
  }
}
