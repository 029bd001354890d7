import { type PeerRecord, type Registry, findPeer } from './schema.js';
import { NotFoundError } from '../core/errors.js';
import { formatIdentity, parsePersonality, parseRuntimeName, tryParseIdentity } from '../core/names.js';

/** The registered peer of that name, or a NotFoundError saying how to add it. */
export function requirePeer(registry: Registry, name: string): PeerRecord {
  const personality = parsePersonality(name);
  const peer = findPeer(registry, personality);
  if (!peer) {
    throw new NotFoundError(
      `no peer named "${personality}": see 'iapeer list', or register it with 'iapeer add ${personality} --runtime <runtime>'`,
    );
  }
  return peer;
}

/** The runtime asked for (which the peer must have), or the peer's preferred one. */
export function pickRuntime(peer: PeerRecord, runtime: string | undefined): string {
  if (runtime === undefined) return peer.runtimes[0] as string;
  const name = parseRuntimeName(runtime);
  if (!peer.runtimes.includes(name)) {
    throw new NotFoundError(`peer ${peer.personality} has no runtime "${name}" (it has: ${peer.runtimes.join(', ')})`);
  }
  return name;
}

/** The registered peer and runtime an identity names (`demo-boris`), if both exist. */
export function findIdentity(registry: Registry, identity: string): { peer: PeerRecord; runtime: string } | undefined {
  const parsed = tryParseIdentity(identity);
  const peer = parsed ? findPeer(registry, parsed.personality) : undefined;
  return parsed && peer?.runtimes.includes(parsed.runtime) ? { peer, runtime: parsed.runtime } : undefined;
}

export function identitiesOf(peer: PeerRecord): string[] {
  return peer.runtimes.map((runtime) => formatIdentity({ runtime, personality: peer.personality }));
}
