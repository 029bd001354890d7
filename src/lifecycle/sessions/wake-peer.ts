import { lockIdentities } from '../context/locks.js';
import type { WakeCause, WakeMode } from '../log/events.js';
import { type MarkerValue, type Markers, clearMarkers, readMarkers, writeMarker } from '../../registry/markers.js';
import { type WakeFacts, type WakeTrigger, decideWake } from './wake-decision.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { Runtime } from '../../runtimes/runtime.js';
import { RuntimeEndedError, waitUntilReady } from '../../transport/screen/wait-ready.js';
import { checkStateEntries, endSession } from './end-session.js';
import { RefusedError } from '../../core/errors.js';
import { newMessageId } from '../../core/message-id.js';
import { newQueuedMessage } from '../../transport/queue/queue-store.js';
import { OPERATOR, formatEnvelope } from '../../transport/queue/envelope.js';
import { formatIdentity } from '../../core/names.js';
import { ensurePrivateDir, eventsFileOf, stateDirOf } from '../../core/paths.js';
import { appendEvent, compactEvents } from '../../transport/events/agent-events.js';
import { SPAWN_KIND } from '../../transport/events/event-line.js';
import { reapEnded } from './reap-ended.js';
import { checkCanSpawn, sessionValuesOf } from './spawn-check.js';
import { planLaunch } from './plan-launch.js';
import { lastSpawnUnaccounted } from './session-accounting.js';
import { type SessionContext, runtimeOf } from '../context/session-context.js';

export type WakeOutcome =
  | { readonly outcome: 'already-live'; readonly identity: string; readonly pid: number | undefined }
  | {
      readonly outcome: 'woken';
      readonly identity: string;
      readonly pid: number;
      readonly mode: WakeMode;
      readonly cause: WakeCause;
      /** The session's record, as written at spawn. */
      readonly spawned: MarkerValue<'spawned'>;
      /** The id of the session's first message (handoff, initial prompt), queued for delivery. */
      readonly firstMessage?: string;
    };

type Spawned = Extract<WakeOutcome, { outcome: 'woken' }> & { readonly handoff: string | null };

/**
 * Records the session just spawned; a session that cannot be recorded is ended, not left
 * running where `list` and the next wake could not account for it.
 */
async function recordSpawn(ctx: SessionContext, identity: string, record: MarkerValue<'spawned'>): Promise<void> {
  try {
    await writeMarker(stateDirOf(ctx.paths, identity), 'spawned', record);
  } catch (error) {
    await endSession(ctx, identity).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new RefusedError(`${identity} was started but could not be recorded (${reason}), so it was ended; fix ${stateDirOf(ctx.paths, identity)} and retry`, 'EBADSTATE', { cause: error });
  }
}

/**
 * Starts the session's part of the events file, before the spawn: the runtime's first hook
 * (Claude's SessionStart comes within a second) must land after it.
 */
async function markSpawn(ctx: SessionContext, identity: string, mode: 'fresh' | 'resume', sessionId: string | undefined): Promise<void> {
  const file = eventsFileOf(ctx.paths, identity);
  await ensurePrivateDir(stateDirOf(ctx.paths, identity));
  await compactEvents(file);
  // The id goes in the mark, so a session that never reports one (Codex before its first prompt) keeps it.
  await appendEvent(file, SPAWN_KIND, { session_id: sessionId ?? null, mode });
}

function refusal(identity: string, reason: 'stopped' | 'blocked' | 'always-on', start: string): RefusedError {
  if (reason === 'always-on') {
    return new RefusedError(`${identity} is always-on and down: its OS service keeps it up, not a message; start it with: ${start}`, 'EALWAYSON');
  }
  return new RefusedError(`${identity} is ${reason}; nothing wakes it until: ${start}`, reason === 'stopped' ? 'ESTOPPED' : 'EBLOCKED');
}

/** Decides and, if so, spawns; under the identity's lock. */
async function decideAndSpawn(
  ctx: SessionContext,
  peer: PeerRecord,
  runtimeName: string,
  identity: string,
  trigger: WakeTrigger,
): Promise<Extract<WakeOutcome, { outcome: 'already-live' }> | Spawned> {
  const dir = stateDirOf(ctx.paths, identity);
  checkStateEntries(ctx.paths, identity);
  let markers = readMarkers(dir);
  let liveness = await ctx.sessions.inspect(identity);
  // What is left of an ended session is cleared, and an end nobody recorded is recorded first.
  if (liveness.state !== 'live' && (liveness.state !== 'no-server' || lastSpawnUnaccounted(markers))) {
    await reapEnded(ctx, identity, liveness);
    markers = readMarkers(dir);
    liveness = { state: 'no-server' };
  }

  const facts: WakeFacts = {
    live: liveness.state === 'live',
    stopped: markers.stopped !== undefined,
    blocked: markers.blocked !== undefined,
    idleReaped: markers['idle-reaped'] !== undefined,
    newEager: markers['new-eager'] !== undefined,
    everSpawned: markers.spawned !== undefined,
    alwaysOn: peer.alwaysOn,
    // Known only once a resume is decided (it needs the runtime and the events): see planLaunch.
    sessionMissing: false,
  };
  const decided = decideWake(facts, trigger);
  if (decided.action === 'refuse') throw refusal(identity, decided.reason, `iapeer start ${peer.personality} ${runtimeName}`);
  if (decided.action === 'none') {
    // Under the lock: a stop that comes after this start must not lose its mark.
    await clearMarkers(dir, decided.clear);
    return { outcome: 'already-live', identity, pid: liveness.state === 'live' ? liveness.pane.pid : undefined };
  }

  const runtime = await runtimeOf(ctx, runtimeName);
  const { decision, argv, sessionId } = await planLaunch(ctx, runtime, identity, { facts, trigger, decided });
  await checkCanSpawn(ctx, peer, argv, runtime);
  await clearMarkers(dir, decision.clear);
  await markSpawn(ctx, identity, decision.mode, sessionId);
  const spawned = await ctx.sessions.spawn({ identity, cwd: peer.cwd, argv, env: { ...runtime.env, ...sessionValuesOf(ctx, identity) } });
  if (!spawned) return { outcome: 'already-live', identity, pid: undefined };
  const record = { at: ctx.now().toISOString(), ...spawned, mode: decision.mode, cause: decision.cause, sessionId: sessionId ?? null };
  await recordSpawn(ctx, identity, record);
  const session = sessionId === undefined ? {} : { session: sessionId };
  await ctx.log.write({ ev: 'wake', personality: peer.personality, runtime: runtimeName, mode: decision.mode, cause: decision.cause, ...session });
  const handoff = decision.handoff ? (markers['new-eager']?.handoff ?? null) : null;
  return { outcome: 'woken', identity, pid: spawned.pid, mode: decision.mode, cause: decision.cause, spawned: record, handoff };
}

/**
 * A start whose runtime ended before it was ready: end what is left and record the death,
 * unless the identity was stopped meanwhile (then the stop ended it, and says so).
 */
async function afterFailedStart(ctx: SessionContext, identity: string, error: RuntimeEndedError): Promise<never> {
  const stopped = await lockIdentities(ctx, [identity], async () => {
    if (readMarkers(stateDirOf(ctx.paths, identity), ['stopped']).stopped) return true;
    const now = await ctx.sessions.inspect(identity);
    if (now.state !== 'live') await reapEnded(ctx, identity, now);
    return false;
  });
  if (stopped) throw new RefusedError(`${identity} was stopped while it was starting`, 'ESTOPPED');
  throw error;
}

/**
 * Makes one identity live as the wake decision says: refuse (stopped, blocked), do
 * nothing (already live), or spawn fresh or resumed and wait until the runtime shows it
 * is up. The self-fresh handoff or the first-start prompt is queued, ahead of whatever
 * waits: delivering it is the queue's work (src/lifecycle/messages), not the wake's.
 */
export async function wakePeer(
  ctx: SessionContext,
  peer: PeerRecord,
  runtimeName: string,
  trigger: WakeTrigger,
  options: WakeOptions = {},
): Promise<WakeOutcome> {
  const identity = formatIdentity({ runtime: runtimeName, personality: peer.personality });
  const result = await lockIdentities(ctx, [identity], () => decideAndSpawn(ctx, peer, runtimeName, identity, trigger));
  if (result.outcome === 'already-live') return result;

  const runtime = await runtimeOf(ctx, runtimeName);
  try {
    await waitUntilReady(ctx.sessions, identity, runtime.ready, 'first-sight');
  } catch (error) {
    if (!(error instanceof RuntimeEndedError)) throw error;
    // A resume whose conversation is gone ends at once (`claude --resume <unknown id>` exits 1): start fresh instead, once.
    const fallBack = result.mode === 'resume' && options.resumeFailed !== true;
    await afterFailedStart(ctx, identity, error).catch((failure: unknown) => {
      if (!fallBack || failure !== error) throw failure;
    });
    return wakePeer(ctx, peer, runtimeName, trigger, { ...options, resumeFailed: true });
  }
  const { handoff, ...woken } = result;
  const first = firstMessage(result, peer);
  const firstId = first ? await queueFirst(ctx, identity, first) : undefined;
  // The handoff is in the queue now: the mark that carried it can go.
  if (result.cause === 'self-fresh') await clearMarkers(stateDirOf(ctx.paths, identity), ['new-eager']);
  return firstId === undefined ? woken : { ...woken, firstMessage: firstId };
}

export interface WakeOptions {
  readonly resumeFailed?: boolean;
}

/** The self-fresh handoff, or the initial prompt after a first start, as a message from the session or the operator. */
function firstMessage(result: Spawned, peer: PeerRecord): { from: string; topic: string; body: string } | undefined {
  if (result.handoff) return { from: result.identity, topic: 'handoff', body: result.handoff };
  if (result.cause === 'first-start' && peer.initialPrompt) return { from: OPERATOR, topic: 'initial-prompt', body: peer.initialPrompt };
  return undefined;
}

/** Stores the first message durably, marked to go before the others; returns its id. */
async function queueFirst(ctx: SessionContext, identity: string, first: { from: string; topic: string; body: string }): Promise<string> {
  const now = ctx.now();
  const id = newMessageId(now.getTime());
  const text = formatEnvelope({ ...first, id, attachments: [] });
  await ctx.queue.write(newQueuedMessage({ id, identity, from: first.from, topic: first.topic, text, first: true }, now));
  return id;
}

/** Whether the strict readiness gate was passed for the session spawned last. */
export function isMarkedReady(markers: Pick<Markers, 'spawned' | 'ready'>): boolean {
  return markers.spawned !== undefined && markers.ready?.spawnedAt === markers.spawned.at;
}

/**
 * Waits for the strict readiness gate once per spawned session (README, "Messages"); later
 * calls for the same session return at once. `markers`: the caller's own read of the
 * identity, when it has one.
 */
export async function ensureReady(
  ctx: SessionContext,
  identity: string,
  runtime: Runtime,
  markers: Pick<Markers, 'spawned' | 'ready'> = readMarkers(stateDirOf(ctx.paths, identity), ['spawned', 'ready']),
): Promise<MarkerValue<'ready'> | undefined> {
  if (isMarkedReady(markers)) return markers.ready;
  await waitUntilReady(ctx.sessions, identity, runtime.ready, 'strict');
  if (!markers.spawned) return undefined;
  const ready = { spawnedAt: markers.spawned.at };
  await writeMarker(stateDirOf(ctx.paths, identity), 'ready', ready);
  return ready;
}
