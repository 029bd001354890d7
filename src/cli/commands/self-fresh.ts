import { selfFresh as selfFreshOp } from '../../lifecycle/sessions/self-fresh.js';
import type { Verb } from '../context-from-env.js';
import { printLine } from '../output.js';

/** Agent self-call: mark the identity for an eager fresh relaunch, then end its own session. */
export async function selfFresh(options: { handoff: string | undefined }, { ctx, io }: Verb): Promise<void> {
  // This process runs inside the session it ends, in the pane's process group: the
  // hang-up (and a TERM, if the runtime lingers) reaches it too. Outlive them long
  // enough to finish the clean-up, which removes the socket.
  process.on('SIGHUP', () => {});
  process.on('SIGTERM', () => {});
  await selfFreshOp(ctx, options, {
    onMarked: (identity) => printLine(io, `${identity} marked for a fresh relaunch; ending this session`),
  });
}
