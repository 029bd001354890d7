import { lockIdentities, updatePeers } from '../context/locks.js';
import { resolve } from 'node:path';
import { RefusedError, UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/limits.js';
import { formatIdentity, parsePersonality, parseRuntimeName } from '../../core/names.js';
import { isDirectory, stateDirOf } from '../../core/paths.js';
import { removeState } from '../../registry/markers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { identitiesOf } from '../../registry/peers.js';
import { MAX_DESCRIPTION, type PeerRecord, type Registry, findPeer, withPeer } from '../../registry/schema.js';
import { loadRuntimes, requireRuntime } from '../../runtimes/load-runtimes.js';
import type { AppContext } from '../context/app-context.js';
import { endSession } from '../sessions/end-session.js';
import { preparePeerServicesRemoval } from '../services/always-on-service.js';
import { withSessions } from '../context/session-context.js';

export interface AddInput {
  readonly peer: string;
  /** Needed for a new peer; an update without it keeps the peer's runtimes. */
  readonly runtimes?: readonly string[];
  readonly cwd?: string;
  readonly description?: string;
  readonly alwaysOn?: boolean;
  readonly idleTimeoutSec?: number;
  readonly initialPrompt?: string;
}

export interface AddResult {
  readonly personality: string;
  readonly action: 'created' | 'updated';
  readonly runtimes: readonly string[];
  /** Runtimes the update dropped (their sessions were down; their state is gone). */
  readonly dropped: readonly string[];
}

async function resolveDirectory(base: string, dir: string): Promise<string> {
  if (dir === '') throw new UsageError('--cwd is empty; give a directory, or leave --cwd out for the current one', 'EINVALIDCWD');
  const absolute = resolve(base, dir);
  if (!(await isDirectory(absolute))) throw new UsageError(`--cwd ${JSON.stringify(dir)}: no such directory`, 'EINVALIDCWD');
  return absolute;
}

/** Characters as a person counts them (code points), not UTF-16 units. */
function characterCount(text: string): number {
  return [...text].length;
}

function validate(input: AddInput): { personality: string; runtimes: string[] | undefined } {
  const personality = parsePersonality(input.peer);
  const runtimes = input.runtimes?.map(parseRuntimeName);
  if (runtimes?.length === 0) throw new UsageError('give at least one --runtime');
  if (runtimes && new Set(runtimes).size !== runtimes.length) throw new UsageError(`--runtime lists a runtime twice: ${runtimes.join(' ')}`);
  if (input.description !== undefined && characterCount(input.description) > MAX_DESCRIPTION) {
    throw new UsageError(`--description is ${characterCount(input.description)} characters; at most ${MAX_DESCRIPTION}`, 'EINVALIDVALUE');
  }
  if (input.initialPrompt !== undefined && Buffer.byteLength(input.initialPrompt) > MAX_TEXT_BYTES) {
    throw new UsageError(`--initial-prompt is over ${MAX_TEXT_BYTES} bytes, the bound of a message`, 'EINVALIDVALUE');
  }
  return { personality, runtimes };
}

function droppedBy(existing: PeerRecord | undefined, runtimes: readonly string[]): string[] {
  return existing ? existing.runtimes.filter((runtime) => !runtimes.includes(runtime)) : [];
}

/**
 * Creates or updates a peer record; fields left out keep their value on update (a new peer
 * needs its runtimes). An update may drop a runtime only while that runtime's session is not
 * live (no session is ever left without a record); the dropped identity's leftovers are
 * cleared away.
 */
export async function addPeer(ctx: AppContext, input: AddInput): Promise<AddResult> {
  const { personality, runtimes } = validate(input);
  const table = await loadRuntimes(ctx.paths.runtimes, ctx.nodeBin);
  runtimes?.forEach((name) => requireRuntime(table, name));
  const cwd = input.cwd === undefined ? undefined : await resolveDirectory(ctx.cwd, input.cwd);
  const now = ctx.now().toISOString();
  const needRuntimes = (): never => {
    throw new UsageError(`--runtime is needed for a new peer: iapeer add ${personality} --runtime <runtime>… (runtimes: ${[...table.keys()].sort().join(', ')})`);
  };

  const upsert = (current: Registry) => {
    const existing = findPeer(current, personality);
    const record: PeerRecord = {
      ...existing,
      personality,
      runtimes: runtimes ?? existing?.runtimes ?? needRuntimes(),
      cwd: cwd ?? existing?.cwd ?? ctx.cwd,
      description: input.description ?? existing?.description ?? '',
      alwaysOn: input.alwaysOn ?? existing?.alwaysOn ?? false,
      idleTimeoutSec: input.idleTimeoutSec ?? existing?.idleTimeoutSec ?? null,
      initialPrompt: input.initialPrompt ?? existing?.initialPrompt ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    return { record, existing };
  };

  const before = findPeer(readRegistry(ctx.paths.registry), personality);
  const wanted = runtimes ?? before?.runtimes ?? needRuntimes();
  // No longer always-on: its services go once the record says so (one iapeer did not write is refused first).
  const removeServices = before?.alwaysOn === true && input.alwaysOn === false ? await preparePeerServicesRemoval(ctx, identitiesOf(before)) : undefined;
  const planned = droppedBy(before, wanted);
  let result: AddResult | undefined;
  if (planned.length === 0) {
    const { value } = await updatePeers(ctx, (current) => {
      const { record, existing } = upsert(current);
      // A runtime dropped by a concurrent update of the same peer: retry the careful way.
      if (droppedBy(existing, record.runtimes).length > 0) return { next: undefined, value: undefined };
      return { next: withPeer(current, record), value: { action: existing ? ('updated' as const) : ('created' as const), runtimes: record.runtimes } };
    });
    if (value !== undefined) result = await finish(ctx, { personality, ...value, dropped: [] });
  }
  // Only a runtime list that was given can drop one.
  result ??= await addDroppingRuntimes(ctx, personality, wanted, upsert);
  await removeServices?.();
  return result;
}

async function addDroppingRuntimes(
  ctx: AppContext,
  personality: string,
  runtimes: readonly string[],
  upsert: (current: Registry) => { record: PeerRecord; existing: PeerRecord | undefined },
): Promise<AddResult> {
  const sctx = await withSessions(ctx);
  const existing = findPeer(readRegistry(ctx.paths.registry), personality);
  // Every runtime the peer has had may be dropped: lock them all, so the set cannot move under us.
  const candidates = [...new Set([...(existing?.runtimes ?? []), ...runtimes])];
  const identities = candidates.map((runtime) => formatIdentity({ runtime, personality }));
  return lockIdentities(ctx, identities, async () => {
    const current = findPeer(readRegistry(ctx.paths.registry), personality);
    const dropped = droppedBy(current, runtimes).filter((runtime) => candidates.includes(runtime));
    const live: string[] = [];
    for (const runtime of dropped) {
      const identity = formatIdentity({ runtime, personality });
      if ((await sctx.sessions.inspect(identity)).state === 'live') live.push(identity);
    }
    if (live.length > 0) {
      throw new RefusedError(
        `${live.join(', ')} is live; this update would leave it without a record. Stop it first: ${live
          .map((identity) => `iapeer stop ${personality} ${identity.slice(0, identity.indexOf('-'))}`)
          .join('; ')}`,
        'ELIVE',
      );
    }
    const { value } = await updatePeers(ctx, (now) => {
      const { record, existing: before } = upsert(now);
      const stillDropped = droppedBy(before, runtimes);
      if (stillDropped.some((runtime) => !candidates.includes(runtime))) {
        throw new RefusedError(`peer ${personality} changed while it was being updated; run the command again`, 'ERETRY');
      }
      return { next: withPeer(now, record), value: before ? ('updated' as const) : ('created' as const) };
    });
    for (const runtime of dropped) {
      const identity = formatIdentity({ runtime, personality });
      await endSession(sctx, identity);
      await removeState(stateDirOf(ctx.paths, identity));
    }
    return finish(ctx, { personality, action: value, runtimes, dropped });
  });
}

async function finish(ctx: AppContext, result: AddResult): Promise<AddResult> {
  await ctx.log.write({ ev: 'add', personality: result.personality, action: result.action, runtimes: result.runtimes.join(',') });
  return result;
}
