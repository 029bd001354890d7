import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { LockError } from '../../core/errors.js';
import { mapLimited } from '../../core/process/parallel.js';
import { stateDirOf } from '../../core/paths.js';
import { readMarkers, writeMarker } from '../../registry/markers.js';
import { findIdentity } from '../../registry/peers.js';
import { readRegistry } from '../../registry/read-registry.js';
import { totalOf } from '../../transport/queue/queue-store.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { AppContext } from '../context/app-context.js';
import { withDeliveryLock } from '../context/delivery-lock.js';
import { endSession } from '../sessions/end-session.js';
import { type IdentityObservation, lastActivityOf, observeFleet, stateOf } from '../sessions/observe-fleet.js';
import { flushQueue, queueStoreOf } from '../messages/flush-queue.js';
import { lockIdentities } from '../context/locks.js';
import { type PeerState, idleSeconds } from '../sessions/peer-state.js';
import { reapEnded } from '../sessions/reap-ended.js';
import { type SessionContext, withSessions } from '../context/session-context.js';
import { type Decision, type IdentityFacts, planTick } from './plan-tick.js';
import { wakePeer } from '../sessions/wake-peer.js';

/** Reaps run this many at once; each mostly waits for processes to exit. */
const PARALLEL_REAPS = 16;

export interface TickReport {
  readonly peers: Record<string, PeerState>;
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
 * The supervise tick's executor: observe, plan (supervise-plan.ts), act. Reaps are done
 * within the tick; wakes and deliveries, which may take a runtime's whole start-up, run on
 * in the background, and their identity is left alone by later ticks until they finish.
 * One identity's failure is reported and never stops the others.
 */
export class Supervisor {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly hooks: SupervisorHooks,
  ) {}

  async tick(): Promise<TickReport> {
    // A new context per tick: runtimes.json is read afresh, so an edit takes effect.
    const sctx = await withSessions(this.ctx);
    const queued = await this.queueDepths();
    let observed: IdentityObservation[] = [];
    let socketNames: readonly string[] = [];
    // No peers.json at all (moved aside, say) reads as an empty fleet: then a socket whose
    // identity has state here is no orphan, and no queue is unregistered, or every session
    // and message would go. A stray server with no state of ours is still ended.
    const registryThere = existsSync(this.ctx.paths.registry);
    const mayBeOrphan = (name: string) => isSocket(this.ctx, name) && (registryThere || !existsSync(stateDirOf(this.ctx.paths, name)));
    try {
      ({ identities: observed, socketNames } = observeFleet(this.ctx.paths, readRegistry(this.ctx.paths.registry), this.ctx.now(), {
        bin: this.ctx.config.tmuxBin,
        env: this.ctx.childEnv,
      }));
    } catch (error) {
      // Without a registry nothing can be told apart from an orphan: act on nothing.
      this.hooks.onError(error);
      return { peers: {}, queue: totalOf(queued), decisions: [] };
    }
    const registered = new Set(observed.map((seen) => seen.identity));
    const decisions = planTick({
      nowMs: this.ctx.now().getTime(),
      identities: observed.map((seen) => this.factsOf(seen, queued)),
      socketNames: socketNames.filter(mayBeOrphan),
      unregisteredQueues: registryThere ? [...queued.keys()].filter((identity) => !registered.has(identity) && (queued.get(identity) ?? 0) > 0) : [],
      busy: new Set(this.running.keys()),
    });
    const byIdentity = new Map(observed.map((seen) => [seen.identity, seen]));
    await mapLimited(
      decisions.filter((decision) => decision.kind.startsWith('reap')),
      PARALLEL_REAPS,
      (decision) => this.guarded(decision.identity, () => this.reap(sctx, decision, byIdentity.get(decision.identity))),
    );
    for (const decision of decisions) this.act(sctx, decision);
    return {
      peers: Object.fromEntries(observed.map((seen) => [seen.identity, stateOf(seen)])),
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

  private factsOf(seen: IdentityObservation, queued: ReadonlyMap<string, number>): IdentityFacts {
    return {
      identity: seen.identity,
      alwaysOn: seen.peer.alwaysOn,
      idleTimeoutSec: this.idleTimeoutOf(seen.peer),
      markers: seen.markers,
      live: seen.live,
      socket: seen.socket,
      idleSeconds: seen.idleSeconds,
      queued: queued.get(seen.identity) ?? 0,
    };
  }

  private idleTimeoutOf(peer: PeerRecord): number {
    return peer.idleTimeoutSec ?? this.ctx.config.idleTimeoutSec;
  }

  private async queueDepths(): Promise<Map<string, number>> {
    try {
      return await queueStoreOf(this.ctx).depths();
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

  private async reap(sctx: SessionContext, decision: Decision, seen: IdentityObservation | undefined): Promise<void> {
    if (decision.kind === 'reap-idle' && seen) return this.reapIdle(sctx, seen);
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
        // The record as it is now: it may have changed (or gone) since the tick looked.
        const named = findIdentity(readRegistry(sctx.paths.registry), identity);
        if (named && !named.peer.alwaysOn) await wakePeer(sctx, named.peer, named.runtime, 'eager');
      });
    }
    if (decision.kind === 'flush') {
      this.background(identity, async () => {
        const report = await flushQueue(this.ctx, { identities: [identity], wake: decision.wake });
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
   * delivery to it is under way, or when under the lock it turns out busy again, always-on
   * or no longer registered.
   */
  private async reapIdle(sctx: SessionContext, seen: IdentityObservation): Promise<void> {
    const { identity } = seen;
    let reaping = false;
    const reap = () =>
      lockIdentities(sctx, [identity], async () => {
        reaping = true;
        const named = findIdentity(readRegistry(sctx.paths.registry), identity);
        if (!named || named.peer.alwaysOn) return;
        const timeoutSec = this.idleTimeoutOf(named.peer);
        const dir = stateDirOf(sctx.paths, identity);
        const markers = readMarkers(dir, ['spawned']);
        const now = await sctx.sessions.inspect(identity);
        if (now.state !== 'live') return;
        const since = markers.spawned ? Date.parse(markers.spawned.at) : 0;
        const last = lastActivityOf(now.pane.tty, since);
        const ageSec = last === undefined ? 0 : idleSeconds(last, this.ctx.now().getTime());
        if (timeoutSec === 0 || ageSec < timeoutSec) return;
        await endSession(sctx, identity, now);
        await writeMarker(dir, 'idle-reaped', { at: this.ctx.now().toISOString(), ageSec });
        await this.ctx.log.write({ ev: 'supervise', identity, action: 'reaped-idle', age: `${ageSec}s` });
      });
    await withDeliveryLock(sctx.paths, identity, reap, { tryOnce: true }).catch((error: unknown) => {
      // A delivery under way holds its lock: reap on a later tick. Any other failure is reported.
      if (reaping || !(error instanceof LockError)) throw error;
    });
  }

  private async reapEnded(sctx: SessionContext, identity: string): Promise<void> {
    await lockIdentities(sctx, [identity], async () => {
      const now = await sctx.sessions.inspect(identity);
      if (now.state !== 'live') await reapEnded(sctx, identity, now);
    });
  }

  /** A socket with no record: its server is ended and the socket removed, unless it was registered meanwhile. */
  private async reapOrphan(sctx: SessionContext, identity: string): Promise<void> {
    await lockIdentities(sctx, [identity], async () => {
      if (findIdentity(readRegistry(sctx.paths.registry), identity)) return;
      await sctx.sessions.kill(identity);
      await this.ctx.log.write({ ev: 'supervise', identity, action: 'reaped-orphan' });
    });
  }
}

function isSocket(ctx: AppContext, name: string): boolean {
  try {
    return lstatSync(join(ctx.paths.sockDir, name)).isSocket();
  } catch {
    return false;
  }
}
