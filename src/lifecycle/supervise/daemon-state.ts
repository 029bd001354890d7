import * as z from 'zod/mini';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import type { Paths } from '../../core/paths.js';
import { isProcessAlive } from '../../core/process/process.js';
import { readRegularFileSync } from '../../core/fs/safe-fs.js';

/**
 * `daemon.json`: what the running daemon last saw, rewritten atomically every tick; a clean
 * stop (SIGTERM, SIGINT) writes it once more with `stoppedAt`, so a killed daemon is told apart.
 */
export const DaemonStateSchema = z.object({
  pid: z.number(),
  startedAt: z.string(),
  version: z.string(),
  lastTickAt: z.nullable(z.string()),
  tickMs: z.nullable(z.number()),
  ticks: z.number(),
  peers: z.record(z.string(), z.enum(['live', 'down', 'stopped', 'blocked'])),
  /** The live identities' activity; absent in a file from an iapeer that did not write it. */
  activity: z.optional(
    z.record(
      z.string(),
      z.object({ activity: z.enum(['busy', 'idle', 'needs-input', 'unknown']), since: z.string(), attention: z.nullable(z.string()) }),
    ),
  ),
  queue: z.number(),
  /** Null while it runs; absent in a file from an iapeer that did not write it. */
  stoppedAt: z.optional(z.nullable(z.string())),
});

export type DaemonState = z.infer<typeof DaemonStateSchema>;

export type DaemonStatus =
  | { readonly kind: 'never-ran' }
  | { readonly kind: 'unreadable'; readonly problem: string }
  | { readonly kind: 'stopped'; readonly state: DaemonState & { readonly stoppedAt: string } }
  | { readonly kind: 'running' | 'stale'; readonly state: DaemonState };

/**
 * What `daemon.json` says, and whether its owner still runs: a daemon that stopped cleanly says
 * so (its pid may since belong to another process, so it is not asked); one killed with SIGKILL
 * leaves a file without `stoppedAt` whose pid is gone, which reads as stale.
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
  const state = parsed.data;
  if (typeof state.stoppedAt === 'string') return { kind: 'stopped', state: { ...state, stoppedAt: state.stoppedAt } };
  return { kind: isProcessAlive(state.pid) ? 'running' : 'stale', state };
}

export async function writeDaemonState(paths: Paths, state: DaemonState): Promise<void> {
  await writeFileAtomic(paths.daemonState, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
