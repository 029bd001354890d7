import { isAbsolute } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { HOST_PATTERN, splitHost } from '../../core/names.js';
import { hostNamed, interactiveOnHost, pipeHost } from '../../lifecycle/hosts/remote-call.js';
import type { Verb } from '../context-from-env.js';
import { untilStopped } from '../io.js';
import { requireTerminal } from '../terminal.js';

/** Where a verb runs: the host of a target as typed (`boris@build`), or of `--host build`. */
export type HostPart = { readonly target: string } | { readonly host: string };

/** A verb run on another host: its words there, and which host. */
export interface OnHostOptions {
  /** The words naming the verb, e.g. ['log'] or ['queue']. */
  readonly verb: readonly string[];
  readonly at: HostPart;
  /** Its positional arguments there, the host part dropped. */
  readonly names: readonly string[];
  /** Its options, as given here (`--name=value` words, see given-argv.ts). */
  readonly options: readonly string[];
  /** With this terminal (`attach`): `ssh -t`, stdio inherited. */
  readonly interactive?: boolean;
  /** Runs until stopped (`log --follow`): SIGINT or SIGTERM ends it there too, and exits 0 as it does here. */
  readonly stoppable?: boolean;
}

function hostNameOf(at: HostPart): string {
  if ('host' in at) {
    if (!HOST_PATTERN.test(at.host)) throw new UsageError(`invalid host ${JSON.stringify(at.host.slice(0, 40))}: a name of hosts.json (1-32 of a-z, 0-9 and -)`, 'EINVALIDNAME');
    return at.host;
  }
  const { host } = splitHost(at.target);
  // program.ts runs `<peer>@local` here and never comes this way with it.
  if (host === undefined) throw new UsageError(`${at.target}: "local" is this machine; leave the host out`);
  return host;
}

/** This machine's directory means nothing there, and a relative one would be read from the ssh login's directory. */
function checkRemoteCwd(options: OnHostOptions, host: string): void {
  if (options.verb[0] !== 'add') return;
  const cwd = options.options.findLast((word) => word.startsWith('--cwd='))?.slice('--cwd='.length);
  if (cwd === undefined) throw new UsageError(`a peer on ${host} needs its directory there: give --cwd <dir on ${host}>`);
  if (!isAbsolute(cwd)) throw new UsageError(`--cwd ${JSON.stringify(cwd)}: give the directory on ${host} in full, from /`);
}

/**
 * `iapeer <verb> boris@build …` and `--host build`: the same verb on that host, its output
 * and exit code as they are; a host that does not answer is one error line naming it (exit 1).
 * Options go before `--` and the names after it, so that no name is read as an option there.
 */
export async function onHost(options: OnHostOptions, { ctx, io }: Verb): Promise<number> {
  // Refused before anything is read, like attach here.
  if (options.interactive === true) requireTerminal(io, options.verb[0] ?? 'attach');
  const name = hostNameOf(options.at);
  const host = hostNamed(ctx, name);
  checkRemoteCwd(options, host.name);
  const args = [...options.verb, ...options.options, ...(options.names.length === 0 ? [] : ['--', ...options.names])];
  if (options.interactive === true) return interactiveOnHost(ctx, host, args);
  const sink = { stdout: io.stdout, stderr: io.stderr };
  if (options.stoppable !== true) return pipeHost(ctx, host, args, sink);
  return untilStopped(async (controller) => {
    const code = await pipeHost(ctx, host, args, sink, controller.signal);
    return controller.signal.aborted ? 0 : code;
  });
}
