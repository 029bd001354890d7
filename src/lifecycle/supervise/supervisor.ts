import { existsSync } from 'node:fs';
import { LockError } from '../../core/errors.js';
import { mapLimited } from '../../core/process/parallel.js';
import { stateDirOf } from '../../core/paths.js';
import { writeMarker } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { totalOf } from '../../transport/queue/queue-store.js';
import type { AppContext } from '../context/app-context.js';
import { lockDelivery, lockIdentities } from '../context/locks.js';
import { type SessionContext, withSessions } from '../context/session-context.js';
import { flushQueue } from '../messages/flush-queue.js';
import { forwardQueue } from '../messages/forward-queue.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';
import { endSession } from '../sessions/end-session.js';
import type { ActivityVerdict } from '../sessions/activity.js';
import { activityOf } from '../sessions/fleet-status.js';
import { type ScreenLooker, screenLooker } from '../sessions/observe-activity.js';
import { type IdentityObservation, observeFleet, stateOf } from '../sessions/observe-fleet.js';
import type { PeerState } from '../sessions/peer-state.js';
import { reapEnded } from '../sessions/reap-ended.js';
import { factsOfObserved, freshFactsOf, socketFactsOf } from './identity-facts.js';
import { type Decision, decideIdentity, isOrphanSocket, planTick } from './plan-tick.js';

/** Reaps run this many at once; each mostly waits for processes to exit. */
const PARALLEL_REAPS = 16;

/** A live identity's activity as daemon.json tells it. */
export interface ActivityEntry {
  readonly activity: ActivityVerdict['activity'];
  readonly since: string;
  readonly attention: string | null;
}

export interface TickReport {
  readonly peers: Record<string, PeerState>;
  /** The live identities' activity. */
  readonly activity: Record<string, ActivityEntry>;
  /** Messages waiting, all identities. */
  readonly queue: number;
  readonly decisions: readonly Decision[];
}

export interface SupervisorHooks {
  /** A failure that did not stop the tick: one identity's (`identity` set), or the tick's own. */
  readonly onError: (error: unknown, identity?: string) => void;
  /** Once aborted (the daemon is stopping), no new wake or delivery is started. */
  readonly stop?: AbortSignal;
}

/**
 * The supervise tick's executor: observe, plan (plan-tick.ts), act. Reaps are done within
 * the tick; wakes and deliveries, which may take a runtime's whole start-up, run on in the
 * background, and their identity is left alone by later ticks until they finish. Before a
 * reap or a relaunch it asks the planner again, on facts read afresh under the identity's
 * lock. One identity's failure is reported and never stops the others.
 */
export class Supervisor {
  private readonly running = new Map<string, Promise<void>>();
  private readonly looker: ScreenLooker;

  constructor(
    private readonly ctx: AppContext,
    private readonly hooks: SupervisorHooks,
  ) {
    this.looker = screenLooker({
      paths: ctx.paths,
      tmux: { bin: ctx.config.tmuxBin, env: ctx.childEnv },
      nodeBin: ctx.nodeBin,
      now: () => ctx.now().getTime(),
    });
  }

  async tick(): Promise<TickReport> {
    // A new context per tick: runtimes.json is read afresh, so an edit takes effect.
    const sctx = await withSessions(this.ctx);
    const now = this.ctx.now();
    const queued = await this.queueDepths();
    let observed: IdentityObservation[] = [];
    let socketNames: readonly string[] = [];
    const registryPresent = existsSync(this.ctx.paths.registry);
    try {
      ({ identities: observed, socketNames } = observeFleet(this.ctx.paths, readRegistry(this.ctx.paths.registry), now, {
        bin: this.ctx.config.tmuxBin,
        env: this.ctx.childEnv,
      }));
    } catch (error) {
      // Without a registry nothing can be told apart from an orphan: act on nothing.
      this.hooks.onError(error);
      return { peers: {}, activity: {}, queue: totalOf(queued), decisions: [] };
    }
    const activities = await this.activities(observed, now.getTime());
    const decisions = planTick({
      nowMs: now.getTime(),
      identities: observed.map((seen, index) =>
        factsOfObserved(seen, this.ctx.config.idleTimeoutSec, queued.get(seen.identity) ?? 0, activities[index] ?? null),
      ),
      registryPresent,
      sockets: socketNames.map((name) => socketFactsOf(this.ctx.paths, name, registryPresent)),
      queued,
      busy: new Set(this.running.keys()),
    });
    await mapLimited(
      decisions.filter((decision) => decision.kind.startsWith('reap')),
      PARALLEL_REAPS,
      (decision) => this.guarded(decision.identity, () => this.reap(sctx, decision)),
    );
    for (const decision of decisions) this.act(sctx, decision);
    return {
      peers: Object.fromEntries(observed.map((seen) => [seen.identity, stateOf(seen)])),
      activity: Object.fromEntries(
        observed.flatMap((seen, index) => {
          const verdict = activities[index];
          return verdict === null || verdict === undefined ? [] : [[seen.identity, entryOf(verdict)]];
        }),
      ),
      queue: totalOf(queued),
      decisions,
    };
  }

  /** Waits for the background work, at most `timeoutMs`; true if it all finished. */
  async settle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const all = Promise.all(this.running.values()).then(() => true);
    const finished = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return finished;
  }

  /** Each observed identity's activity (null unless live); one that cannot be told is unknown to the planner, not a failed tick. */
  private async activities(observed: readonly IdentityObservation[], nowMs: number): Promise<Array<ActivityVerdict | null>> {
    return mapLimited(observed, PARALLEL_REAPS, async (seen) => {
      try {
        return await activityOf(this.ctx, seen, nowMs, this.looker);
      } catch (error) {
        this.hooks.onError(error, seen.identity);
        return null;
      }
    });
  }

  private async queueDepths(): Promise<Map<string, number>> {
    try {
      return await this.ctx.queue.depths();
    } catch (error) {
      this.hooks.onError(error);
      return new Map();
    }
  }

  private async guarded(identity: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.hooks.onError(error, identity);
    }
  }

  /** What the planner decides for the identity now, on facts read afresh (callers hold its lock). */
  private async decideAgain(sctx: SessionContext, identity: string, kind: Decision['kind']) {
    const fresh = await freshFactsOf(sctx, identity);
    const decision = fresh.facts && decideIdentity(fresh.facts, this.ctx.now().getTime()).find((one) => one.kind === kind);
    return { ...fresh, decision };
  }

  private async reap(sctx: SessionContext, decision: Decision): Promise<void> {
    if (decision.kind === 'reap-idle') return this.reapIdle(sctx, decision.identity);
    if (decision.kind === 'reap-ended') return this.reapEnded(sctx, decision.identity);
    if (decision.kind === 'reap-orphan') return this.reapOrphan(sctx, decision.identity);
  }

  /** Starts what runs past the tick, and logs the steady-state lines when asked to. */
  private act(sctx: SessionContext, decision: Decision): void {
    const { identity } = decision;
    if (decision.kind === 'alive' || decision.kind === 'skipped-always-on') {
      if (this.ctx.config.superviseLogVerbose) void this.ctx.log.write({ ev: 'supervise', identity, action: decision.kind });
      return;
    }
    if (decision.kind === 'relaunch') {
      this.background(identity, async () => {
        // The record and marks as they are now: they may have changed (or gone) since the tick looked.
        const { decision: still, named } = await this.decideAgain(sctx, identity, 'relaunch');
        if (still && named) await wakeAndDeliver(sctx, named.peer, named.runtime, 'eager');
      });
    }
    if (decision.kind === 'forward') {
      this.background(identity, async () => {
        // A host that does not answer is the message's failed attempt (logged, backed off), not the tick's error.
        await forwardQueue(sctx, identity);
      });
    }
    if (decision.kind === 'flush') {
      this.background(identity, async () => {
        const report = await flushQueue(sctx, { identities: [identity], wake: decision.wake });
        const stuck = report.cannotStart.get(identity);
        // Once per episode: its queue is looked at again only now and then, and quietly (flush-queue.ts).
        if (stuck?.newEpisode === true) throw new Error(`${identity} cannot start: ${stuck.reason}; its messages wait until that is fixed`);
        const why = report.waiting.get(identity);
        if (why !== undefined && why.startsWith('wake failed')) throw new Error(`${identity}: ${why}`);
      });
    }
  }

  private background(identity: string, fn: () => Promise<void>): void {
    if (this.running.has(identity) || this.hooks.stop?.aborted === true) return;
    const task = this.guarded(identity, fn).finally(() => this.running.delete(identity));
    this.running.set(identity, task);
  }

  /**
   * Idle past its timeout: ended, then marked so that the next wake resumes. Skipped when a
   * delivery to it is under way, or when the planner, asked again under the lock, no longer
   * says so (busy again, mail waiting, always-on, no longer registered).
   */
  private async reapIdle(sctx: SessionContext, identity: string): Promise<void> {
    let reaping = false;
    const reap = () =>
      lockIdentities(sctx, [identity], async () => {
        reaping = true;
        const { decision, liveness } = await this.decideAgain(sctx, identity, 'reap-idle');
        if (decision?.kind !== 'reap-idle' || liveness.state !== 'live') return;
        await endSession(sctx, identity, liveness);
        await writeMarker(stateDirOf(sctx.paths, identity), 'idle-reaped', { at: this.ctx.now().toISOString(), ageSec: decision.ageSec });
        await this.ctx.log.write({ ev: 'supervise', identity, action: 'reaped-idle', age: `${decision.ageSec}s` });
      });
    await lockDelivery(sctx, identity, reap, { tryOnce: true }).catch((error: unknown) => {
      // A delivery under way holds its lock: reap on a later tick. Any other failure is reported.
      if (reaping || !(error instanceof LockError)) throw error;
    });
  }

  private async reapEnded(sctx: SessionContext, identity: string): Promise<void> {
    await lockIdentities(sctx, [identity], async () => {
      const { decision, liveness } = await this.decideAgain(sctx, identity, 'reap-ended');
      if (decision && liveness.state !== 'live') await reapEnded(sctx, identity, liveness);
    });
  }

  /** A socket with no record: its server is ended and the socket removed, unless it was registered meanwhile. */
  private async reapOrphan(sctx: SessionContext, identity: string): Promise<void> {
    await lockIdentities(sctx, [identity], async () => {
      const registryPresent = existsSync(sctx.paths.registry);
      const registered = registryPresent && findIdentity(readRegistry(sctx.paths.registry), identity) !== undefined;
      if (!isOrphanSocket(socketFactsOf(sctx.paths, identity, registryPresent), registered, registryPresent)) return;
      await sctx.sessions.kill(identity);
      await this.ctx.log.write({ ev: 'supervise', identity, action: 'reaped-orphan' });
    });
  }
}

function entryOf(verdict: ActivityVerdict): ActivityEntry {
  return {
    activity: verdict.activity,
    since: new Date(verdict.since).toISOString(),
    attention: verdict.activity === 'needs-input' ? (verdict.attention ?? '') : null,
  };
}
