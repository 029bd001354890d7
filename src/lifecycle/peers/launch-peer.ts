import { updatePeers } from '../context/locks.js';
import { basename } from 'node:path';
import { RefusedError, UsageError } from '../../core/errors.js';
import { normalisePersonality, parsePersonality, parseRuntimeName } from '../../core/names.js';
import { type PeerRecord, findPeer, newPeerRecord, withPeer } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { withSessions } from '../context/session-context.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';
import type { WakeOutcome } from '../sessions/wake-peer.js';
import { checkSpawnable } from '../sessions/spawn-check.js';
import { readRegistry } from '../../registry/read-registry.js';

export interface LaunchResult {
  readonly peer: PeerRecord;
  readonly wake: WakeOutcome;
}

/** The peer name for a launch: `--name`, else the directory's base name, normalised. */
export function launchName(cwd: string, name: string | undefined): string {
  if (name !== undefined) return parsePersonality(name);
  const personality = normalisePersonality(basename(cwd));
  if (personality === undefined) {
    throw new UsageError(`cannot make a peer name from directory ${JSON.stringify(basename(cwd))}; pass --name <peer>`);
  }
  return personality;
}

/** Whether the word is a runtime iapeer knows (built in or in runtimes.json). */
export async function isKnownRuntime(ctx: AppContext, word: string): Promise<{ known: boolean; names: string[] }> {
  const table = await (await withSessions(ctx)).runtimes();
  return { known: table.has(word), names: [...table.keys()].sort() };
}

/**
 * `iapeer <runtime>`: registers the current directory's peer if needed (or adds the
 * runtime to it), then launches it fresh. An identity already live is left as it is. A
 * runtime that cannot be spawned here (its command not on PATH) is refused before anything
 * is registered.
 */
export async function launchPeer(ctx: AppContext, input: { runtime: string; personality: string }): Promise<LaunchResult> {
  const runtime = parseRuntimeName(input.runtime);
  const { personality } = input;
  const sctx = await withSessions(ctx);
  const now = ctx.now().toISOString();
  // A launch that cannot spawn registers nothing: checked before the record is written.
  if (!findPeer(readRegistry(ctx.paths.registry), personality)?.runtimes.includes(runtime)) {
    await checkSpawnable(sctx, { personality, cwd: ctx.cwd, runtimes: [runtime] }, runtime, 'fresh');
  }
  const { registry, value: action } = await updatePeers(ctx, (current) => {
    const existing = findPeer(current, personality);
    if (existing && existing.cwd !== ctx.cwd) {
      throw new RefusedError(
        `peer ${personality} is registered for ${existing.cwd}, not ${ctx.cwd}; pass --name <peer> to launch another one here`,
        'ECWDMISMATCH',
      );
    }
    if (existing?.runtimes.includes(runtime)) return { next: undefined, value: undefined };
    const record = existing
      ? { ...existing, runtimes: [...existing.runtimes, runtime], updatedAt: now }
      : newPeerRecord({ personality, runtimes: [runtime], cwd: ctx.cwd }, now);
    return { next: withPeer(current, record), value: existing ? ('updated' as const) : ('created' as const) };
  });
  if (action) await ctx.log.write({ ev: 'add', personality, action, runtimes: runtime });

  const peer = findPeer(registry, personality) as PeerRecord;
  const wake = await wakeAndDeliver(sctx, peer, runtime, 'launch');
  if (wake.outcome === 'woken') await ctx.log.write({ ev: 'start', identity: wake.identity, outcome: 'woken' });
  return { peer, wake };
}
