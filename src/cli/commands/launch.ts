import { basename } from 'node:path';
import type { AppContext } from '../../core/context.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { normalisePersonality, parsePersonality, parseRuntimeName } from '../../core/names.js';
import { withSessions } from '../../core/session-context.js';
import { wakePeer } from '../../core/wake-peer.js';
import { type PeerRecord, findPeer, newPeerRecord, withPeer } from '../../registry/schema.js';
import { updateRegistry } from '../../registry/update-registry.js';
import { printLine } from '../output.js';
import { requireTerminal } from '../terminal.js';
export { contextFromEnv } from '../context-from-env.js';

/**
 * `iapeer <runtime>`: launch the current directory's peer fresh, registering it (or
 * adding the runtime to it) first, then attach unless --detach.
 */
export async function launch(options: { runtime: string; name: string | undefined; detach: boolean }, ctx: AppContext): Promise<number> {
  const runtime = parseRuntimeName(options.runtime);
  const sctx = await withSessions(ctx);
  if (!sctx.runtimes.has(runtime)) {
    throw new UsageError(
      `"${runtime}" is neither a verb nor a runtime (runtimes: ${[...sctx.runtimes.keys()].sort().join(', ')}); see iapeer --help`,
      'ENOTFOUND',
    );
  }
  const personality =
    options.name !== undefined ? parsePersonality(options.name) : normalisePersonality(basename(ctx.cwd));
  if (personality === undefined) {
    throw new UsageError(`cannot make a peer name from directory ${JSON.stringify(basename(ctx.cwd))}; pass --name <peer>`);
  }
  if (!options.detach) requireTerminal(ctx, `iapeer ${runtime} (without --detach)`);

  const now = ctx.now().toISOString();
  const { registry, value: action } = await updateRegistry(ctx.paths, (current) => {
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
  const result = await wakePeer(sctx, peer, runtime, 'launch');
  if (result.outcome === 'woken') {
    await ctx.log.write({ ev: 'start', identity: result.identity, outcome: 'woken' });
    printLine(ctx.io, `launched ${result.identity} fresh in ${peer.cwd}, pid ${result.pid}`);
  } else {
    printLine(ctx.io, `${result.identity} is already live; not starting a second one`);
  }
  if (options.detach) return 0;
  return sctx.sessions.attach(result.identity);
}
