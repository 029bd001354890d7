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

/**
 * What a verb's peer argument names: a registered peer (with the runtime asked for, else its
 * first), or else an identity such as `claude-boris`. Every verb that names a peer takes both.
 */
export function requireTarget(registry: Registry, word: string, runtime: string | undefined): { peer: PeerRecord; runtime: string } {
  const peer = findPeer(registry, word);
  if (peer) return { peer, runtime: pickRuntime(peer, runtime) };
  const named = findIdentity(registry, word);
  if (named) {
    if (runtime !== undefined && parseRuntimeName(runtime) !== named.runtime) {
      throw new NotFoundError(`${word} is the identity of peer ${named.peer.personality} on ${named.runtime}; name the runtime once: iapeer <verb> ${named.peer.personality} ${parseRuntimeName(runtime)}`);
    }
    return named;
  }
  const identity = tryParseIdentity(word);
  const owner = identity ? findPeer(registry, identity.personality) : undefined;
  if (owner && identity) throw new NotFoundError(`peer ${owner.personality} has no runtime "${identity.runtime}" (it has: ${owner.runtimes.join(', ')})`);
  // An identity of a runtime in use here (demo-scratch) is not offered as a new peer's name.
  if (identity && registry.peers.some((one) => one.runtimes.includes(identity.runtime))) {
    throw new NotFoundError(`no peer or identity named "${word.slice(0, 80)}": see 'iapeer list'`);
  }
  // Not registered: requirePeer says how to add it, or why the name cannot be a peer's.
  const unknown = requirePeer(registry, word);
  return { peer: unknown, runtime: pickRuntime(unknown, runtime) };
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
