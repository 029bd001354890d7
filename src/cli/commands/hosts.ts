import { type HostCheck, checkHosts } from '../../lifecycle/hosts/check-hosts.js';
import { selectHosts } from '../../lifecycle/hosts/host-client.js';
import type { Verb } from '../context-from-env.js';
import { formatTable, printJson, printLine, shown } from '../output.js';

/** `iapeer hosts`: the hosts of hosts.json as written. */
export function hosts(options: { readonly json: boolean }, { ctx, io }: Verb): void {
  const list = selectHosts(ctx).map((host) => ({ name: host.name, ssh: host.ssh, home: host.home ?? null, iapeer: host.iapeer }));
  if (options.json) return printJson(io, list);
  if (list.length === 0) return printLine(io, `no hosts: list them in ${ctx.paths.home}/hosts.json (see the README, "Hosts")`);
  printLine(
    io,
    formatTable(
      ['HOST', 'SSH', 'HOME', 'IAPEER'],
      list.map((host) => [host.name, host.ssh, shown(host.home ?? '(its default)'), shown(host.iapeer.map((word) => (/\s/.test(word) ? JSON.stringify(word) : word)).join(' '))]),
    ),
  );
}

function doctorText(check: HostCheck): string {
  return check.doctor === null ? '-' : `${check.doctor.ok} ok, ${check.doctor.warn} warn, ${check.doctor.fail} fail`;
}

/**
 * `iapeer hosts check [<host>]`: each host asked in parallel; every host is reported, and each
 * one that failed is also one error line naming it with the last line ssh printed (exit 1).
 */
export async function hostsCheck(options: { readonly host: string | undefined; readonly json: boolean }, { ctx, io }: Verb): Promise<number> {
  const checks = await checkHosts(ctx, options.host);
  if (options.json) printJson(io, checks);
  else if (checks.length === 0) printLine(io, `no hosts to check: list them in ${ctx.paths.home}/hosts.json (see the README, "Hosts")`);
  else {
    printLine(
      io,
      formatTable(
        ['HOST', 'STATE', 'VERSION', 'DOCTOR', 'RTT'],
        checks.map((check) => [
          check.name,
          check.error === null ? 'ok' : check.reachable ? 'failing' : 'unreachable',
          shown(check.version ?? '-'),
          doctorText(check),
          check.rttMs === null ? '-' : `${check.rttMs} ms`,
        ]),
      ),
    );
  }
  const failures = checks.filter((check) => check.error !== null);
  for (const check of failures) {
    const what = check.reachable ? 'answers but iapeer failed there' : 'unreachable';
    io.stderr.write(`iapeer: hosts: ${check.name} (${shown(check.ssh)}) ${what}: ${shown(check.error ?? '')}\n`);
  }
  return failures.length === 0 ? 0 : 1;
}
