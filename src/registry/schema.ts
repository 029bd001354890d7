import * as z from 'zod/mini';
import { PERSONALITY_PATTERN, RUNTIME_PATTERN } from '../core/names.js';

export const REGISTRY_VERSION = 2;
export const MAX_DESCRIPTION = 450;

const isoTimestamp = z.string().check(z.refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO 8601 time'));

/** Unknown fields are kept, so a newer iapeer's additions survive an older one's write. */
export const PeerRecordSchema = z.looseObject({
  personality: z.string().check(z.regex(PERSONALITY_PATTERN)),
  runtimes: z.array(z.string().check(z.regex(RUNTIME_PATTERN))).check(
    z.minLength(1),
    z.refine((list) => new Set(list).size === list.length, 'runtimes must not repeat'),
  ),
  cwd: z.string().check(z.refine((text) => text.startsWith('/'), 'expected an absolute path')),
  description: z.string().check(z.maxLength(MAX_DESCRIPTION)),
  alwaysOn: z.boolean(),
  idleTimeoutSec: z.nullable(z.int().check(z.gte(0))),
  initialPrompt: z.nullable(z.string()),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});

export type PeerRecord = z.infer<typeof PeerRecordSchema>;

export const RegistrySchema = z.looseObject({
  version: z.literal(REGISTRY_VERSION),
  peers: z
    .array(PeerRecordSchema)
    .check(
      z.refine(
        (peers) => new Set(peers.map((peer) => peer.personality)).size === peers.length,
        'a peer name appears twice',
      ),
    ),
});

export type Registry = z.infer<typeof RegistrySchema>;

export function emptyRegistry(): Registry {
  return { version: REGISTRY_VERSION, peers: [] };
}

export function findPeer(registry: Registry, personality: string): PeerRecord | undefined {
  return registry.peers.find((peer) => peer.personality === personality);
}

/** A new record with the defaults of `add`: no description, warm, default idle timeout. */
export function newPeerRecord(fields: Pick<PeerRecord, 'personality' | 'runtimes' | 'cwd'>, now: string): PeerRecord {
  return {
    ...fields,
    description: '',
    alwaysOn: false,
    idleTimeoutSec: null,
    initialPrompt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The registry with `record` in place of the peer of that name, or appended if there is none. */
export function withPeer(registry: Registry, record: PeerRecord): Registry {
  const exists = registry.peers.some((peer) => peer.personality === record.personality);
  const peers = exists
    ? registry.peers.map((peer) => (peer.personality === record.personality ? record : peer))
    : [...registry.peers, record];
  return { ...registry, peers };
}
