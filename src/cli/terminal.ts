import type { AppContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';

/** Attaching needs a terminal on both ends; refused before anything is changed. */
export function requireTerminal(ctx: AppContext, what: string): void {
  if (!ctx.io.stdinIsTTY || !ctx.io.stdoutIsTTY) {
    throw new UsageError(`${what} needs a terminal (stdin and stdout are not both a TTY)`, 'ENOTTY');
  }
}
