import { HostError } from '../../core/errors.js';
import type { Host } from '../../registry/hosts-file.js';
import type { SshResult, SshSink } from '../../transport/ssh/ssh-client.js';
import type { AppContext } from '../context/app-context.js';
import { selectHosts, sshClientFor } from './host-client.js';

/** One host that did not run the command: its name, its ssh target, and the last line ssh printed. */
export function hostFailed(host: Host, result: SshResult): HostError {
  return new HostError(`host ${host.name} (${host.ssh}) did not answer: ${result.lastLine}`);
}

/** The one host of hosts.json a target names; an unknown one is a usage error (exit 2). */
export function hostNamed(ctx: AppContext, name: string): Host {
  return selectHosts(ctx, name)[0] as Host;
}

/**
 * `iapeer <args>` on a host, its output kept: the remote exit code and output as they are.
 * A command that never started there is a HostError (exit 1) naming the host.
 */
export async function callHost(ctx: AppContext, host: Host, args: readonly string[], call: { input?: string; timeoutMs: number }): Promise<SshResult> {
  const client = await sshClientFor(ctx, host);
  const result = await client.run({ iapeer: host.iapeer, home: host.home, args }, call);
  if (!result.reached) throw hostFailed(host, result);
  return result;
}

/**
 * `iapeer <args>` on a host, its output passed on as it comes; the remote exit code. `signal`
 * ends the call (and with it the session there) early.
 */
export async function pipeHost(ctx: AppContext, host: Host, args: readonly string[], sink: SshSink, signal?: AbortSignal): Promise<number> {
  const client = await sshClientFor(ctx, host);
  const result = await client.pipe({ iapeer: host.iapeer, home: host.home, args }, { sink, ...(signal === undefined ? {} : { signal }) });
  // Stopped before it started there is not a host that failed.
  if (!result.reached && signal?.aborted !== true) throw hostFailed(host, result);
  return result.code;
}

/** `iapeer <args>` on a host with this terminal (`ssh -t`): the remote exit code. */
export async function interactiveOnHost(ctx: AppContext, host: Host, args: readonly string[]): Promise<number> {
  const client = await sshClientFor(ctx, host);
  const result = await client.interactive({ iapeer: host.iapeer, home: host.home, args });
  if (!result.reached) throw hostFailed(host, result);
  return result.code;
}
