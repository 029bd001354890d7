import { join } from 'node:path';
import { readRegularFileSync } from '../../core/fs/safe-fs.js';
import { LOCAL_HOST, formatIdentity } from '../../core/names.js';
import type { AppContext } from '../../lifecycle/context/app-context.js';
import { readRegistry } from '../../registry/read-registry.js';
import { findPeer } from '../../registry/schema.js';
import { loadRuntimes } from '../../runtimes/load-runtimes.js';
import { PLAIN_WORD } from './command-tree.js';
import type { WordSource } from './completion-names.js';

/**
 * The words a completion script offers at a TAB, read from the home only (the registry,
 * runtimes.json, hosts.json) and never from tmux: a TAB must answer at once. Sorted.
 * `of` names a peer: `runtimes` are then that peer's (none if it is not registered here).
 */
export async function wordsOfHome(ctx: AppContext, source: WordSource, of?: string): Promise<string[]> {
  const { paths } = ctx;
  if (source === 'hosts') return sorted(hostNames(join(paths.home, 'hosts.json')));
  if (source === 'runtimes') {
    if (of === undefined) return sorted([...(await loadRuntimes(paths.runtimes, ctx.nodeBin)).keys()]);
    // In the peer's own order: its first is the default. One on another host has none known here.
    const here = of.endsWith(`@${LOCAL_HOST}`) ? of.slice(0, -LOCAL_HOST.length - 1) : of;
    return [...(findPeer(readRegistry(paths.registry), here)?.runtimes ?? [])];
  }
  const registry = readRegistry(paths.registry);
  const peers = registry.peers.map((peer) => peer.personality);
  const identities = registry.peers.flatMap((peer) => peer.runtimes.map((runtime) => formatIdentity({ runtime, personality: peer.personality })));
  return sorted(source === 'peers' ? peers : source === 'identities' ? identities : [...peers, ...identities]);
}

/**
 * The names of `{"hosts": {"<name>": …}}`. A missing, unreadable or malformed file has none:
 * completion offers what it can and leaves the complaint to the verbs that use the file.
 * A name that would need quoting on a command line is left out.
 */
function hostNames(file: string): string[] {
  try {
    const text = readRegularFileSync(file, 'hosts file', { maxBytes: 1024 * 1024 });
    if (text === undefined) return [];
    const hosts: unknown = (JSON.parse(text) as { hosts?: unknown } | null)?.hosts;
    if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts)) return [];
    return Object.keys(hosts).filter((name) => PLAIN_WORD.test(name));
  } catch {
    return [];
  }
}

function sorted(words: string[]): string[] {
  return [...new Set(words)].sort();
}
