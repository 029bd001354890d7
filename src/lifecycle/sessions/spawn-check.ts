import { type IapeerError, RefusedError, isIapeerError } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { isDirectory } from '../../core/paths.js';
import { findExecutable } from '../../core/process/process.js';
import type { PeerRecord } from '../../registry/schema.js';
import type { Runtime } from '../../runtimes/runtime.js';
import { substituteTokens } from '../../runtimes/argv-tokens.js';
import type { WakeMode } from '../log/events.js';
import { type SessionContext, runtimeOf } from '../context/session-context.js';

/** What a spawn needs of the peer: where it runs, and how to tell the operator to fix that. */
export type SpawnTarget = Pick<PeerRecord, 'personality' | 'cwd' | 'runtimes'>;

/**
 * A spawn that fails for one of these reasons fails again until the operator acts: the
 * runtime is unknown (`ENOTFOUND`), its command is not on PATH, the working directory is gone.
 */
const CANNOT_HEAL = new Set(['ENOTFOUND', 'ENORUNTIME', 'ENOCWD']);

/** Whether a wake failed for a reason that waiting cannot cure (see CANNOT_HEAL). */
export function cannotHeal(error: unknown): boolean {
  return isIapeerError(error) && CANNOT_HEAL.has(error.code);
}

/** The one line an operator acts on: an unknown runtime's message says where to define it. */
export function cannotStartReason(ctx: SessionContext, error: IapeerError): string {
  return error.code === 'ENOTFOUND' ? `${error.message}; define it in ${ctx.paths.runtimes}` : error.message;
}

/** The session's own values, as the runtime's environment and its argv tokens see them. */
export function sessionValuesOf(ctx: SessionContext, identity: string): Readonly<Record<string, string>> {
  return { PEER_IDENTITY: identity, IAPEER_HOME: ctx.paths.home, IAPEER_SOCK_DIR: ctx.paths.sockDir };
}

/** Refuses a spawn that cannot work: the working directory is gone, or the command is not on PATH. */
export async function checkCanSpawn(ctx: SessionContext, peer: SpawnTarget, argv: readonly string[], runtime: Runtime): Promise<void> {
  if (!(await isDirectory(peer.cwd))) {
    throw new RefusedError(
      `working directory ${peer.cwd} of peer ${peer.personality} does not exist; fix it with: iapeer add ${peer.personality} --runtime ${peer.runtimes.join(' ')} --cwd <dir>`,
      'ENOCWD',
    );
  }
  const command = argv[0] ?? '';
  if (!(await findExecutable(command, ctx.childEnv['PATH']))) {
    throw new RefusedError(`runtime ${runtime.name}: command "${command}" is not on PATH; install it or define the runtime in ${ctx.paths.runtimes}`, 'ENORUNTIME');
  }
}

/** The same check for a spawn not decided yet (a launch, before its peer is registered). */
export async function checkSpawnable(ctx: SessionContext, peer: SpawnTarget, runtimeName: string, mode: WakeMode): Promise<void> {
  const runtime = await runtimeOf(ctx, runtimeName);
  const values = sessionValuesOf(ctx, formatIdentity({ runtime: runtimeName, personality: peer.personality }));
  await checkCanSpawn(ctx, peer, substituteTokens(mode === 'resume' ? runtime.resume : runtime.fresh, values), runtime);
}
