import { formatIdentity } from '../../core/names.js';
import type { PeerRecord } from '../../registry/schema.js';
import { deleteServiceFile, readServiceFile } from '../../transport/services/service-store.js';
import type { AppContext } from '../context/app-context.js';
import {
  type ServiceDeps,
  type ServiceInstallResult,
  type ServiceSetup,
  checkServiceInstall,
  startCheckedService,
  serviceFor,
  targetOf,
} from './service-setup.js';
import type { SessionContext } from '../context/session-context.js';
import { wakeAndDeliver } from '../messages/wake-and-deliver.js';
import type { WakeOutcome } from '../sessions/wake-peer.js';

export type AlwaysOnStart = WakeOutcome & { readonly service: ServiceInstallResult };

function peerAdvice(peer: PeerRecord): string {
  return `always-on peers need it: make ${peer.personality} a warm peer instead with: iapeer add ${peer.personality} --runtime ${peer.runtimes.join(' ')} --no-always-on`;
}

export function peerServiceFor(ctx: AppContext, identity: string, deps: ServiceDeps = {}, advice = ''): ServiceSetup {
  return serviceFor(ctx, { kind: 'peer', identity }, targetOf(undefined, deps, advice), deps);
}

/**
 * `start` of an always-on peer: what a start does (lift a stop or block, make the session
 * live, wait until the runtime is up), then install and start the identity's service, whose
 * keeper (`iapeer daemon peer`) finds the session live and keeps it up from then on. A
 * service file iapeer did not write, or a service manager out of reach, is refused before
 * anything changes.
 *
 * The session is woken here, not by the keeper, because the wake decides on the marks
 * before it clears them: a keeper woken after `start` had cleared a stop would take the
 * stopped session for one that died, and count a death.
 */
export async function startAlwaysOn(ctx: SessionContext, peer: PeerRecord, runtimeName: string, deps: ServiceDeps = {}): Promise<AlwaysOnStart> {
  const identity = formatIdentity({ runtime: runtimeName, personality: peer.personality });
  ctx.sessions.socketOf(identity);
  const advice = peerAdvice(peer);
  const setup = peerServiceFor(ctx, identity, deps, advice);
  await checkServiceInstall(ctx, setup, advice);
  const wake = await wakeAndDeliver(ctx, peer, runtimeName, 'start');
  return { ...wake, service: await startCheckedService(ctx, setup) };
}

/** An always-on identity's service, read (and refused if iapeer did not write it) before a stop changes anything. */
export interface PreparedStop {
  readonly setup: ServiceSetup | undefined;
  readonly present: boolean;
}

export async function preparePeerStop(ctx: AppContext, identity: string, deps: ServiceDeps = {}): Promise<PreparedStop> {
  const platform = deps.platform ?? process.platform;
  // Where iapeer has no service manager it installed nothing: the stop goes on without one.
  if (platform !== 'darwin' && platform !== 'linux') return { setup: undefined, present: false };
  const setup = peerServiceFor(ctx, identity, deps);
  return { setup, present: (await readServiceFile(setup.file)).state === 'ours' };
}

/**
 * For a peer that goes (`remove`) or stops being always-on: every identity's service is read
 * first, and one iapeer did not write is refused before anything changes. The function
 * returned then stops, unloads and deletes those present (without a reachable manager,
 * nothing of ours runs under them: the files alone go).
 */
export async function preparePeerServicesRemoval(ctx: AppContext, identities: readonly string[], deps: ServiceDeps = {}): Promise<() => Promise<void>> {
  const prepared = await Promise.all(identities.map((identity) => preparePeerStop(ctx, identity, deps)));
  return async () => {
    for (const { setup, present } of prepared) {
      if (!present || setup === undefined) continue;
      const deleteFile = async () => void (await deleteServiceFile(setup.file));
      if (await setup.manager.isReachable()) await setup.manager.remove(setup.names, deleteFile);
      else await deleteFile();
    }
  };
}

/**
 * Stops the service (its file stays, for the next start). With no manager to reach, nothing
 * of ours runs under it, so there is nothing to stop.
 */
export async function stopPeerService(prepared: PreparedStop): Promise<readonly string[]> {
  if (!prepared.present || prepared.setup === undefined) return [];
  const { manager, names } = prepared.setup;
  if (!(await manager.isReachable())) return [];
  return manager.stop(names);
}
