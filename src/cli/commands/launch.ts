import { UsageError } from '../../core/errors.js';
import { parseRuntimeName } from '../../core/names.js';
import { attachIdentity } from '../../lifecycle/attach-peer.js';
import { isKnownRuntime, launchName, launchPeer } from '../../lifecycle/launch-peer.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';
import { requireTerminal } from '../terminal.js';

/** `iapeer <runtime>`: launch the current directory's peer fresh, then attach unless --detach. */
export async function launch(options: { runtime: string; name: string | undefined; detach: boolean }, { ctx, io }: Verb): Promise<number> {
  const runtime = parseRuntimeName(options.runtime);
  const { known, names } = await isKnownRuntime(ctx, runtime);
  if (!known) {
    throw new UsageError(`"${runtime}" is neither a verb nor a runtime (runtimes: ${names.join(', ')}); see iapeer --help`, 'ENOTFOUND');
  }
  const personality = launchName(ctx.cwd, options.name);
  if (!options.detach) requireTerminal(io, `iapeer ${runtime} (without --detach)`);
  const { peer, wake } = await launchPeer(ctx, { runtime, personality });
  printLine(
    io,
    wake.outcome === 'woken'
      ? `launched ${wake.identity} fresh in ${peer.cwd}, pid ${wake.pid}`
      : `${wake.identity} is already live; not starting a second one`,
  );
  return options.detach ? 0 : attachIdentity(ctx, wake.identity);
}
