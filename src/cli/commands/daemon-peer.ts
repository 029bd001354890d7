import { type KeepEnd, keepPeer } from '../../lifecycle/services/keep-always-on.js';
import type { WakeOutcome } from '../../lifecycle/sessions/wake-peer.js';
import type { Verb } from '../context-from-env.js';
import { untilStopped } from '../io.js';
import { printLine } from '../output.js';


function liveLine(wake: WakeOutcome): string {
  return wake.outcome === 'woken'
    ? `${wake.identity}: started (${wake.mode}, ${wake.cause}), pid ${wake.pid}; keeping it up`
    : `${wake.identity}: live${wake.pid === undefined ? '' : `, pid ${wake.pid}`}; keeping it up`;
}

function endLine(identity: string, end: KeepEnd): string {
  switch (end.reason) {
    case 'not-registered':
      return `${identity} is not registered: nothing to keep up`;
    case 'not-always-on':
      return `${identity} is not always-on: nothing to keep up (iapeer add <peer> --runtime <runtime>… --always-on makes it so)`;
    case 'stopped':
      return `${identity} is stopped: not keeping it up until: iapeer start`;
    case 'blocked':
      return `${identity} is blocked by the crash-loop guard: not keeping it up until: iapeer start`;
    case 'signalled':
      return `${identity}: signalled; its session is left as it is (iapeer stop ends it)`;
    case 'ended':
      return `${identity}: its session ended${end.exit === undefined ? '' : ` (exit ${end.exit})`}; exiting 1 so that the service manager starts it again`;
  }
}

/**
 * `daemon peer <identity>`: what an always-on peer's service runs. Exits 0 when there is
 * nothing to keep up (so the manager does not restart it), 1 when the session ended.
 */
export async function daemonPeer(options: { readonly identity: string }, { ctx, io }: Verb): Promise<number> {
  const stamp = (text: string) => printLine(io, `${ctx.now().toISOString()} ${text}`);
  return untilStopped(async (stop) => {
    // Its stderr is the service's log, where `start` looks for its errors: notices go to stdout.
    const end = await keepPeer({ ...ctx, notice: (message) => stamp(message) }, options.identity, {
      signal: stop.signal,
      onLive: (wake) => stamp(liveLine(wake)),
    });
    stamp(endLine(options.identity, end));
    return end.reason === 'ended' ? 1 : 0;
  });
}
