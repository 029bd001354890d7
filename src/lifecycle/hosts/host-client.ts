import { NotFoundError } from '../../core/errors.js';
import { LOCAL_HOST } from '../../core/names.js';
import { type Host, readHosts } from '../../registry/hosts-file.js';
import { controlDirFor, controlPathOf, ensureControlDir } from '../../transport/ssh/control-dir.js';
import { SshClient } from '../../transport/ssh/ssh-client.js';
import type { AppContext } from '../context/app-context.js';

/** How long ssh may take to connect to a host before it is unreachable. */
export const CONNECT_TIMEOUT_S = 10;

/** The hosts named, or all of `hosts.json`; a name it does not hold is a usage error (exit 2). */
export function selectHosts(ctx: AppContext, name?: string): Host[] {
  const hosts = readHosts(ctx.paths.home);
  if (name === undefined) return hosts;
  const host = hosts.find((candidate) => candidate.name === name);
  if (host !== undefined) return [host];
  const known = hosts.length === 0 ? `${ctx.paths.home}/hosts.json lists no host` : `the hosts are ${hosts.map((one) => one.name).join(', ')}`;
  const local = name === LOCAL_HOST ? ` ("${LOCAL_HOST}" is this machine)` : '';
  throw new NotFoundError(`no host ${JSON.stringify(name)} in hosts.json${local}: ${known}`);
}

/** The client of one host, its master's socket in the private control directory (made if needed). */
export async function sshClientFor(ctx: AppContext, host: Host): Promise<SshClient> {
  const uid = process.getuid?.() ?? 0;
  const dir = controlDirFor(ctx.paths.sockDir, uid);
  await ensureControlDir(dir, uid);
  return new SshClient(
    { bin: ctx.config.sshBin, env: ctx.childEnv },
    { ...host.target, controlPath: controlPathOf(dir, host.name, host.ssh), connectTimeoutS: CONNECT_TIMEOUT_S },
  );
}
