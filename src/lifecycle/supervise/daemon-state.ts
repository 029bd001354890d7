import * as z from 'zod/mini';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import type { Paths } from '../../core/paths.js';
import { isProcessAlive } from '../../core/process/process.js';
import { readRegularFileSync } from '../../core/fs/safe-fs.js';

/** `daemon.json`: what the running daemon last saw, rewritten atomically every tick. */
export const DaemonStateSchema = z.object({
  pid: z.number(),
  startedAt: z.string(),
  version: z.string(),
  lastTickAt: z.nullable(z.string()),
  tickMs: z.nullable(z.number()),
  ticks: z.number(),
  peers: z.record(z.string(), z.enum(['live', 'down', 'stopped', 'blocked'])),
  queue: z.number(),
});

export type DaemonState = z.infer<typeof DaemonStateSchema>;

export type DaemonStatus =
  | { readonly kind: 'never-ran' }
  | { readonly kind: 'unreadable'; readonly problem: string }
  | { readonly kind: 'running' | 'stale'; readonly state: DaemonState };

/**
 * What `daemon.json` says, and whether its owner still runs: a daemon killed with
 * SIGKILL leaves the file behind, which then reads as stale.
 */
export function readDaemonStatus(paths: Paths): DaemonStatus {
  let text: string | undefined;
  try {
    text = readRegularFileSync(paths.daemonState, 'daemon state', { maxBytes: 16 * 1024 * 1024 });
  } catch (error) {
    return { kind: 'unreadable', problem: (error as Error).message };
  }
  if (text === undefined) return { kind: 'never-ran' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', problem: `${paths.daemonState} is not JSON` };
  }
  const parsed = DaemonStateSchema.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable', problem: `${paths.daemonState} does not have the daemon state's shape` };
  return { kind: isProcessAlive(parsed.data.pid) ? 'running' : 'stale', state: parsed.data };
}

export async function writeDaemonState(paths: Paths, state: DaemonState): Promise<void> {
  await writeFileAtomic(paths.daemonState, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
