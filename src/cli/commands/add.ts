import { resolve } from 'node:path';
import type { AppContext } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { MAX_IDLE_TIMEOUT_SEC, MAX_TEXT_BYTES } from '../../core/limits.js';
import { parsePersonality, parseRuntimeName } from '../../core/names.js';
import { isDirectory } from '../../core/paths.js';
import { updateRegistry } from '../../registry/update-registry.js';
import { MAX_DESCRIPTION, type PeerRecord, findPeer, withPeer } from '../../registry/schema.js';
import { loadRuntimes, requireRuntime } from '../../runtimes/load-runtimes.js';
import { printLine } from '../output.js';
export { contextFromEnv } from '../context-from-env.js';

export interface AddOptions {
  readonly peer: string;
  readonly runtime: readonly string[];
  readonly cwd?: string;
  readonly description?: string;
  readonly alwaysOn?: boolean;
  readonly idleTimeout?: string;
  readonly initialPrompt?: string;
}

async function resolveDirectory(base: string, dir: string): Promise<string> {
  const absolute = resolve(base, dir);
  if (!(await isDirectory(absolute))) throw new UsageError(`--cwd ${JSON.stringify(dir)}: no such directory`, 'EINVALIDCWD');
  return absolute;
}

function parseIdleTimeout(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) > MAX_IDLE_TIMEOUT_SEC) {
    throw new UsageError(
      `--idle-timeout ${JSON.stringify(text)}: expected whole seconds from 0 (never reaps) to ${MAX_IDLE_TIMEOUT_SEC}`,
      'EINVALIDVALUE',
    );
  }
  return Number(text);
}

/** Creates or updates a peer record; options left out keep their current value on update. */
export async function add(options: AddOptions, ctx: AppContext): Promise<void> {
  const personality = parsePersonality(options.peer);
  const runtimes = options.runtime.map(parseRuntimeName);
  if (new Set(runtimes).size !== runtimes.length) throw new UsageError(`--runtime lists a runtime twice: ${runtimes.join(' ')}`);
  const table = await loadRuntimes(ctx.paths.runtimes, ctx.nodeBin);
  runtimes.forEach((name) => requireRuntime(table, name));
  if (options.description !== undefined && options.description.length > MAX_DESCRIPTION) {
    throw new UsageError(`--description is ${options.description.length} characters; at most ${MAX_DESCRIPTION}`, 'EINVALIDVALUE');
  }
  if (options.initialPrompt !== undefined && Buffer.byteLength(options.initialPrompt) > MAX_TEXT_BYTES) {
    throw new UsageError(`--initial-prompt is over ${MAX_TEXT_BYTES} bytes, the bound of a message`, 'EINVALIDVALUE');
  }
  const idleTimeoutSec = options.idleTimeout === undefined ? undefined : parseIdleTimeout(options.idleTimeout);
  const cwd = options.cwd === undefined ? undefined : await resolveDirectory(ctx.cwd, options.cwd);
  const now = ctx.now().toISOString();

  const { value: action } = await updateRegistry(ctx.paths, (current) => {
    const existing = findPeer(current, personality);
    const record: PeerRecord = {
      ...existing,
      personality,
      runtimes,
      cwd: cwd ?? existing?.cwd ?? ctx.cwd,
      description: options.description ?? existing?.description ?? '',
      alwaysOn: options.alwaysOn ?? existing?.alwaysOn ?? false,
      idleTimeoutSec: idleTimeoutSec ?? existing?.idleTimeoutSec ?? null,
      initialPrompt: options.initialPrompt ?? existing?.initialPrompt ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    return { next: withPeer(current, record), value: existing ? ('updated' as const) : ('created' as const) };
  });
  await ctx.log.write({ ev: 'add', personality, action, runtimes: runtimes.join(',') });
  printLine(ctx.io, `${action === 'created' ? 'added' : 'updated'} ${personality} (${runtimes.join(', ')})`);
}
