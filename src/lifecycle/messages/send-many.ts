import { RefusedError, UsageError } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { mapLimited } from '../../core/process/parallel.js';
import { findIdentity } from '../../registry/peers.js';
import type { AppContext } from '../context/app-context.js';
import { checkRemoteTarget, isOnAnotherHost, sendToHost } from './send-to-host.js';
import { type SendInput, type SendResult, checkSend, resolveChecked, sendChecked } from './send-message.js';

export interface SendManyInput extends Omit<SendInput, 'target'> {
  /** Personalities or identities, or every registered peer but the sender's own. */
  readonly targets: readonly string[] | 'all';
}

export type SentTo =
  | { readonly target: string; readonly identity: string; readonly ok: true; readonly result: SendResult }
  | { readonly target: string; readonly identity: string; readonly ok: false; readonly error: Error };

/** Deliveries at once: each holds its own identity's delivery lock, so they never meet. */
const PARALLEL_SENDS = 16;

/**
 * `send a b c …` and `send --all`: one message per target, each with an id of its own, sent
 * as `send` sends one. Everything shared is checked, and every target resolved (and checked
 * against the sender), before anything is queued or pasted: bad input or an unknown target
 * changes nothing. A target named twice (or by its peer and its identity) gets the message
 * once. The targets are delivered to in parallel, and one that is refused (stopped, blocked,
 * unable to start until the operator acts, its queue full) does not keep the others from
 * theirs. `all` is every registered peer but the sender's own.
 */
export async function sendToMany(ctx: AppContext, input: SendManyInput): Promise<SentTo[]> {
  const checked = await checkSend(ctx, input);
  const { registry } = checked;
  let words: readonly string[];
  if (input.targets === 'all') {
    const own = findIdentity(registry, checked.from)?.peer.personality;
    words = registry.peers.map((peer) => peer.personality).filter((name) => name !== own);
    if (words.length === 0) throw new RefusedError('there is no other peer to send to: add one with iapeer add <peer> --runtime <runtime>', 'ENOTARGET');
  } else {
    if (input.targets.length === 0) throw new UsageError('name at least one target, or use --all');
    words = input.targets;
  }
  // Targets on other hosts are checked here as far as this host can (the name, the host), then handed to them.
  const elsewhere = [...new Set(words.filter(isOnAnotherHost))];
  for (const target of elsewhere) checkRemoteTarget(ctx, { target, attachments: input.attachments ?? [] });
  const here = words.filter((word) => !isOnAnotherHost(word));
  const resolved = await mapLimited(here, PARALLEL_SENDS, async (target) => ({ target, ...(await resolveChecked(checked, target)) }));
  const once = new Map<string, (typeof resolved)[number]>();
  for (const one of resolved) {
    const identity = formatIdentity({ runtime: one.runtime, personality: one.peer.personality });
    if (!once.has(identity)) once.set(identity, one);
  }
  const local = mapLimited([...once], PARALLEL_SENDS, ([identity, one]) => sentTo(one.target, identity, () => sendChecked(checked, one.target, one)));
  const remote = mapLimited(elsewhere, PARALLEL_SENDS, (target) => sentTo(target, target, () => sendToHost(ctx, { ...input, target })));
  return [...(await local), ...(await remote)];
}

/** One target's send; its refusal is that target's (`identity`: what it names, until the send says), and the others go on. */
async function sentTo(target: string, identity: string, send: () => Promise<SendResult>): Promise<SentTo> {
  try {
    const result = await send();
    return { target, identity: result.identity, ok: true, result };
  } catch (error) {
    return { target, identity, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
