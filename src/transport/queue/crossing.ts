import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { isMessageId } from '../../core/message-id.js';
import { HOST_PATTERN, LOCAL_HOST, atHost, isPersonality, tryParseIdentity } from '../../core/names.js';
import { OPERATOR } from './envelope.js';

/** Whether a queue's name is a target on another host (`queue/boris@build/`), not an identity here. */
export function isRemoteQueue(name: string): boolean {
  return atHost(name) !== undefined;
}

/** `<identity|operator>@<host>`: the sender of a message that crossed, as its receiver sees it. */
export function isCrossedFrom(value: string): boolean {
  const parts = atHost(value);
  if (parts === undefined) return false;
  const { name, host } = parts;
  return (name === OPERATOR || tryParseIdentity(name) !== undefined) && HOST_PATTERN.test(host) && host !== LOCAL_HOST;
}

/** A peer or an identity, as a target on another host may be named. */
export function isTargetName(value: string): boolean {
  return isPersonality(value) || tryParseIdentity(value) !== undefined;
}

/**
 * What one host hands another for `iapeer receive` (on its stdin): the message with the id it
 * keeps end to end, the target there, and its sender as `<identity>@<origin host>`.
 */
const CrossingSchema = z.strictObject({
  version: z.literal(1),
  id: z.string().check(z.refine(isMessageId, 'expected a message id')),
  target: z.string().check(z.refine(isTargetName, 'expected a peer or an identity, e.g. boris or claude-boris')),
  from: z.string().check(z.refine(isCrossedFrom, 'expected <identity>@<host> or operator@<host>')),
  topic: z.string(),
  body: z.string().check(z.maxLength(MAX_TEXT_BYTES)),
  noWake: z.boolean(),
});

export type Crossing = z.infer<typeof CrossingSchema>;

/** A crossing read from another host; anything else is a usage error naming the field. */
export function parseCrossing(text: string): Crossing {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError('receive: expected one JSON message on stdin (what another host’s iapeer sends)', 'EINVALIDVALUE');
  }
  const parsed = CrossingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`receive: ${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`, 'EINVALIDVALUE');
  }
  return parsed.data;
}
