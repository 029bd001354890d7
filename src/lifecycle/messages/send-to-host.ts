import { RefusedError, UsageError, errnoCode } from '../../core/errors.js';
import { newMessageId } from '../../core/message-id.js';
import { atHost, splitHost } from '../../core/names.js';
import { readRegistry } from '../../registry/read-registry.js';
import { isTargetName } from '../../transport/queue/crossing.js';
import { checkContent, formatEnvelope } from '../../transport/queue/envelope.js';
import { newQueuedMessage } from '../../transport/queue/queue-store.js';
import type { AppContext } from '../context/app-context.js';
import { lockDelivery } from '../context/locks.js';
import type { Host } from '../../registry/hosts-file.js';
import { hostNamed } from '../hosts/remote-call.js';
import { forwardQueue } from './forward-queue.js';
import { type SendInput, type SendResult, senderOf } from './send-message.js';

/** Whether a target names a peer on another host (`boris@build`; `boris@local` is this machine). */
export function isOnAnotherHost(target: string): boolean {
  return atHost(target) !== undefined && splitHost(target).host !== undefined;
}

/** The peer and the host of hosts.json a `<peer>@<host>` target names, checked before anything is sent. */
export function checkRemoteTarget(ctx: AppContext, input: Pick<SendInput, 'target' | 'attachments'>): { name: string; host: Host } {
  const { name, host } = splitHost(input.target);
  if (host === undefined) throw new Error('checkRemoteTarget: the target names this machine');
  if (!isTargetName(name)) {
    throw new UsageError(`invalid target ${JSON.stringify(input.target.slice(0, 80))}: expected <peer>@<host> or <identity>@<host>, e.g. boris@build`, 'EINVALIDNAME');
  }
  if ((input.attachments ?? []).length > 0) {
    throw new UsageError(`attachments cannot go to another host (${host}): their paths are this machine's; copy the file there and name its path in the message`, 'EUSAGE');
  }
  return { name, host: hostNamed(ctx, host) };
}

/**
 * `send boris@build`: checked here first (nothing is queued for bad input), then stored in
 * the local queue for `boris@build` with an id it keeps end to end, and handed to that host's
 * iapeer (`receive`) with every message that waited before it for that target. The host
 * refusing it (the peer stopped, unknown there) is this send's refusal, and nothing is kept;
 * a host that does not answer leaves it queued, for the daemon to forward when it does.
 */
export async function sendToHost(ctx: AppContext, input: SendInput): Promise<SendResult> {
  const { name, host } = checkRemoteTarget(ctx, input);
  const topic = checkContent(input.body, input.topic);
  const from = senderOf(ctx, readRegistry(ctx.paths.registry), input.from);
  const key = `${name}@${host.name}`;
  const now = ctx.now();
  const id = newMessageId(now.getTime());
  const crossedFrom = `${from}@${ctx.config.hostName}`;
  const text = formatEnvelope({ from: crossedFrom, topic, id, body: input.body, attachments: [] });
  const message = newQueuedMessage(
    { id, identity: key, from, topic, text, remote: { host: host.name, target: name, from: crossedFrom, body: input.body, noWake: input.noWake === true } },
    now,
  );
  return lockDelivery(ctx, key, async () => {
    try {
      await ctx.queue.enqueue(message);
    } catch (error) {
      if (errnoCode(error) === 'EQUEUEFULL') await ctx.log.write({ ev: 'deliver', identity: key, id, outcome: 'refused', confirmed: 'none', reason: 'queue full' });
      throw error;
    }
    const report = await forwardQueue(ctx, key, { ignoreBackoff: true, until: id, lockHeld: true });
    const done = report.forwarded.get(id);
    if (done !== undefined) return { id, target: input.target, identity: `${done.identity}@${host.name}`, outcome: done.outcome };
    const refused = report.refused.get(id);
    if (refused !== undefined) {
      // Refused there, as a local send to a stopped peer is here: not kept, the sender told.
      await ctx.queue.remove(message);
      await ctx.log.write({ ev: 'deliver', identity: key, id, outcome: 'refused', confirmed: 'none', reason: refused.line });
      const said = `${host.name}: ${refused.line}`;
      throw refused.code === 2 ? new UsageError(said, 'EREMOTE') : new RefusedError(said, 'EREMOTE');
    }
    const reason = report.waiting ?? 'an earlier message for it waits';
    await ctx.log.write({ ev: 'deliver', identity: key, id, outcome: 'queued', confirmed: 'none', reason });
    return { id, target: input.target, identity: key, outcome: 'queued', reason };
  });
}
