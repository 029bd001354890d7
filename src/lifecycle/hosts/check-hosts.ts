import type { Host } from '../../registry/hosts-file.js';
import type { AppContext } from '../context/app-context.js';
import { whyFailed } from './ask-hosts.js';
import { selectHosts, sshClientFor } from './host-client.js';

/** A remote `doctor --json` summed up. */
export interface DoctorSummary {
  readonly ok: number;
  readonly warn: number;
  readonly fail: number;
}

/** One host's answer to `hosts check`; `error` is set exactly when it did not answer. */
export interface HostCheck {
  readonly name: string;
  readonly ssh: string;
  readonly reachable: boolean;
  readonly version: string | null;
  readonly doctor: DoctorSummary | null;
  /** How long one call over the warm master took, whole milliseconds. */
  readonly rttMs: number | null;
  readonly error: string | null;
}

/** A remote `doctor` may take a while (it probes tmux and every runtime). */
const CALL_TIMEOUT_MS = 60_000;

/** The hosts of hosts.json (or the one named) checked in parallel; never throws for a host that fails. */
export async function checkHosts(ctx: AppContext, name?: string): Promise<HostCheck[]> {
  const hosts = selectHosts(ctx, name);
  return Promise.all(hosts.map((host) => checkHost(ctx, host)));
}

function failed(host: Host, reachable: boolean, error: string, version: string | null = null): HostCheck {
  return { name: host.name, ssh: host.ssh, reachable, version, doctor: null, rttMs: null, error };
}

export function summariseDoctor(stdout: string): DoctorSummary | undefined {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const checks = (report as { checks?: unknown } | null)?.checks;
  if (!Array.isArray(checks)) return undefined;
  const count = (status: string) => checks.filter((check) => (check as { status?: unknown } | null)?.status === status).length;
  return { ok: count('ok'), warn: count('warn'), fail: count('fail') };
}

/** One host's check; a local failure (the control directory, a lock) is that host's error, not the verb's. */
async function checkHost(ctx: AppContext, host: Host): Promise<HostCheck> {
  try {
    return await askHost(ctx, host);
  } catch (error) {
    return failed(host, false, (error as Error).message);
  }
}

async function askHost(ctx: AppContext, host: Host): Promise<HostCheck> {
  const client = await sshClientFor(ctx, host);
  const call = (args: string[]) => client.run({ iapeer: host.iapeer, home: host.home, args }, { timeoutMs: CALL_TIMEOUT_MS });
  const first = await call(['--version']);
  if (!first.reached || first.code !== 0) return failed(host, first.reached, whyFailed(first, `${host.iapeer.join(' ')} --version`));
  const version = first.stdout.trim();
  const doctor = await call(['doctor', '--json']);
  const summary = summariseDoctor(doctor.stdout);
  if (summary === undefined) return failed(host, doctor.reached, whyFailed(doctor, 'iapeer doctor --json'), version);
  // The master is warm now: this call measures the link and the remote start-up, not the connect.
  const started = performance.now();
  const warm = await call(['--version']);
  const rttMs = Math.round(performance.now() - started);
  if (!warm.reached || warm.code !== 0) return failed(host, warm.reached, whyFailed(warm, 'iapeer --version'), version);
  return { name: host.name, ssh: host.ssh, reachable: true, version, doctor: summary, rttMs, error: null };
}
