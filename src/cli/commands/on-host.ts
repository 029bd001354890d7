import { UsageError } from '../../core/errors.js';
import { HOST_PATTERN, splitHost } from '../../core/names.js';
import { hostNamed, interactiveOnHost, pipeHost } from '../../lifecycle/hosts/remote-call.js';
import type { Verb } from '../context-from-env.js';
import { requireTerminal } from '../terminal.js';

/** A verb run on another host: its words there, and which host. */
export interface OnHostOptions {
  /** What names the host: `boris@build`, or `@build` for `--host build`. */
  readonly target: string;
  /** iapeer's arguments there, the host part already dropped. */
  readonly args: readonly string[];
  /** With this terminal (`attach`): `ssh -t`, stdio inherited. */
  readonly interactive?: boolean;
}

/**
 * `iapeer <verb> boris@build …` and `--host build`: the same verb on that host, its output
 * and exit code as they are; a host that does not answer is one error line naming it (exit 1).
 */
export async function onHost(options: OnHostOptions, { ctx, io }: Verb): Promise<number> {
  const named = options.target.startsWith('@') ? { name: 'x', host: options.target.slice(1) } : splitHost(options.target);
  if (named.host === undefined) throw new UsageError(`${options.target}: "local" is this machine; leave the host out`);
  if (!HOST_PATTERN.test(named.host)) throw new UsageError(`invalid host ${JSON.stringify(named.host.slice(0, 40))}: a name of hosts.json (1-32 of a-z, 0-9 and -)`, 'EINVALIDNAME');
  const host = hostNamed(ctx, named.host);
  // This machine's directory means nothing there.
  if (options.args[0] === 'add' && !options.args.some((word) => word.startsWith('--cwd='))) {
    throw new UsageError(`a peer on ${host.name} needs its directory there: give --cwd <dir on ${host.name}>`);
  }
  if (options.interactive === true) {
    requireTerminal(io, options.args[0] ?? 'attach');
    return interactiveOnHost(ctx, host, options.args);
  }
  return pipeHost(ctx, host, options.args, { stdout: io.stdout, stderr: io.stderr });
}
