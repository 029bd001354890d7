import { messageOf } from '../../core/errors.js';
import type { Host } from '../../registry/hosts-file.js';
import type { SshResult } from '../../transport/ssh/ssh-client.js';
import type { AppContext } from '../context/app-context.js';
import { sshClientFor } from './host-client.js';

/** What a call that did not do its work says, in one line: ssh's last line if it never ran there. */
export function whyFailed(result: SshResult, what: string): string {
  if (!result.reached) return result.lastLine;
  return `${what} exited ${result.code}${result.lastLine === '' ? '' : `: ${result.lastLine}`}`;
}

/** What a host's output holds, or what is wrong with it. */
export type Read<T> = { readonly value: T } | { readonly problem: string };

/** One host's answer to a question put to every host: what it said, read, or why there is none. */
export type HostAnswer<T> = { readonly host: Host; readonly answer: T } | { readonly host: Host; readonly error: string };

/** How long one host may take to answer a question put to every host (`list --all-hosts`). */
export const ASK_TIMEOUT_MS = 10_000;

export interface Question<T> {
  /** iapeer's arguments there, e.g. ['list', '--json']. */
  readonly args: readonly string[];
  readonly read: (stdout: string) => Read<T>;
  readonly timeoutMs?: number;
}

/**
 * The same iapeer command on every host given, all at once, each over its own master and
 * within its own time limit. Never throws: a host that fails (ssh, its iapeer, its output,
 * this machine's control directory) is that host's error, and the others answer as they do.
 */
export function askHosts<T>(ctx: AppContext, hosts: readonly Host[], question: Question<T>): Promise<Array<HostAnswer<T>>> {
  return Promise.all(hosts.map((host) => askHost(ctx, host, question)));
}

async function askHost<T>(ctx: AppContext, host: Host, { args, read, timeoutMs = ASK_TIMEOUT_MS }: Question<T>): Promise<HostAnswer<T>> {
  const what = ['iapeer', ...args].join(' ');
  try {
    // The client, not callHost: a host that never ran the command is reported by ssh's last
    // line alone, which callHost would wrap in a sentence of its own.
    const client = await sshClientFor(ctx, host);
    const result = await client.run({ iapeer: host.iapeer, home: host.home, args }, { timeoutMs });
    // 255 is ssh's own failure (a link that died, no answer in time), even after the command started.
    if (result.code === 255) return { host, error: result.lastLine };
    if (!result.reached || result.code !== 0) return { host, error: whyFailed(result, what) };
    const said = read(result.stdout);
    return 'problem' in said ? { host, error: `${what} ${said.problem}` } : { host, answer: said.value };
  } catch (error) {
    return { host, error: messageOf(error) };
  }
}
