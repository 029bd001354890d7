import type { Writable } from 'node:stream';

/** The terminal a verb renders to. */
export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable & { readonly isTTY?: boolean };
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs `fn` with a controller that SIGTERM or SIGINT aborts, instead of killing the process,
 * so a long-running verb (the daemon, a keeper, `log --follow`) ends its own way; the
 * handlers go when it returns.
 */
export async function untilStopped<T>(fn: (stop: AbortController) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  for (const signal of STOP_SIGNALS) process.on(signal, abort);
  try {
    return await fn(controller);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, abort);
  }
}
