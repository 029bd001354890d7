import { readRegistry } from '../../registry/read-registry.js';
import type { Crossing } from '../../transport/queue/crossing.js';
import { checkContent } from '../../transport/queue/envelope.js';
import type { AppContext } from '../context/app-context.js';
import { withSessions } from '../context/session-context.js';
import { type CheckedSend, type SendResult, resolveChecked, sendChecked } from './send-message.js';

/**
 * `iapeer receive`: a message another host's iapeer hands this one, delivered as a local send
 * would be (woken, queued, refused alike) but with the id it came with and its sender
 * `<identity>@<origin host>`. An id this host took before is a `duplicate`, whatever has
 * become of its peer since: looked up first, and again under the delivery lock.
 */
export async function receiveMessage(ctx: AppContext, crossing: Crossing): Promise<SendResult> {
  if (await ctx.received.holds(crossing.id)) {
    await ctx.log.write({ ev: 'deliver', identity: crossing.target, id: crossing.id, outcome: 'duplicate', confirmed: 'none', reason: `${crossing.from} sent it again` });
    return { id: crossing.id, target: crossing.target, identity: crossing.target, outcome: 'duplicate' };
  }
  const topic = checkContent(crossing.body, crossing.topic);
  const checked: CheckedSend = {
    ctx: await withSessions(ctx),
    registry: readRegistry(ctx.paths.registry),
    body: crossing.body,
    from: crossing.from,
    fromCaller: false,
    topic,
    attachments: [],
    noWake: crossing.noWake,
  };
  return sendChecked(checked, crossing.target, await resolveChecked(checked, crossing.target), { id: crossing.id });
}
