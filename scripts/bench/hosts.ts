// hosts: `list --all-hosts --json` over 3 hosts × 50 identities each (each host a loopback sshd
// and a home of its own, the masters warm) against a local `list --json` of 50 and one host's
// `list --host`, interleaved so that drift hits all alike; and the place of `send peer@host`
// against a local `send`. The hosts are those of the integration tests (test/helpers/hosts.ts).
import { type TestHome, makeHome as makeTestHome } from '../../test/helpers/cli.js';
import { type TestHosts, startHosts } from '../../test/helpers/hosts.js';
import { type Home, type Results, type Row, type Section, iapeer, median, percentile, registerDemoPeers, round, timeNodeNoop } from './kit.js';

const HOSTS = ['b1', 'b2', 'b3'];
const PEERS = 50;
const RUNS = 21;

/** What every row of the section runs on: a local home of 50 peers whose hosts.json names 3 hosts of 50 each. */
interface Bed {
  readonly local: Home;
  readonly hosts: TestHosts;
  readonly homes: readonly TestHome[];
}

const asHome = (home: TestHome, env: Record<string, string> = {}): Home => ({ dir: home.home, env: { ...home.env, ...env } });
const names = (prefix: string) => Array.from({ length: PEERS }, (_, index) => `${prefix}${String(index).padStart(2, '0')}`);

async function makeBed(): Promise<Bed> {
  const homes: TestHome[] = [];
  const newHome = async () => {
    const home = await makeTestHome();
    homes.push(home);
    return home;
  };
  const local = await newHome();
  const hosts = await startHosts(HOSTS, newHome);
  const bed = { local: asHome(local, { IAPEER_SSH: hosts.sshBin }), hosts, homes };
  try {
    await hosts.writeHostsFile(local);
    await registerDemoPeers(bed.local, names('here'));
    for (const host of hosts.hosts) await registerDemoPeers(asHome(host.home), names(host.name));
  } catch (error) {
    await cleanupBed(bed);
    throw error;
  }
  return bed;
}

async function cleanupBed(bed: Bed): Promise<void> {
  await bed.hosts.cleanup();
  await Promise.all(bed.homes.map((home) => home.cleanup()));
}

function rowsOf(stdout: string): Array<{ host?: string; state: string }> {
  return JSON.parse(stdout) as Array<{ host?: string; state: string }>;
}

function benchListAllHosts(bed: Bed): Results {
  // The first call starts each host's master; the runs after it go over warm ones.
  const first = rowsOf(iapeer(bed.local, ['list', '--all-hosts', '--json']).stdout);
  const unreachable = first.filter((row) => row.state === 'unreachable');
  if (unreachable.length > 0) throw new Error(`hosts did not answer: ${JSON.stringify(unreachable)}`);
  if (first.length !== PEERS * (HOSTS.length + 1)) throw new Error(`list --all-hosts saw ${first.length} rows`);
  const noop: number[] = [];
  const local: number[] = [];
  const oneHost: number[] = [];
  const allHosts: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    noop.push(timeNodeNoop());
    local.push(iapeer(bed.local, ['list', '--json']).ms);
    oneHost.push(iapeer(bed.local, ['list', '--host', HOSTS[0] as string, '--json']).ms);
    allHosts.push(iapeer(bed.local, ['list', '--all-hosts', '--json']).ms);
  }
  const connections = bed.hosts.hosts.map((host) => host.sshd.connections());
  if (connections.some((count) => count !== 1)) throw new Error(`connections per host: ${connections.join(', ')} (expected 1 each)`);
  return {
    hosts: HOSTS.length,
    identitiesPerHost: PEERS,
    runs: RUNS,
    nodeNoopMedianMs: round(median(noop)),
    localListMedianMs: round(median(local)),
    oneHostMedianMs: round(median(oneHost)),
    allHostsMedianMs: round(median(allHosts)),
    allHostsP90Ms: round(percentile(allHosts, 90)),
    allHostsVsLocal: round(median(allHosts) / median(local), 2),
    oneHostVsLocal: round(median(oneHost) / median(local), 2),
    connectionsPerHost: Math.max(...connections),
  };
}

/**
 * `send peer@host` to a live idle demo peer on one of the bed's hosts against a local `send`,
 * medians and their ratio (keys `sendLocalMedianMs`, `sendRemoteMedianMs`, `sendRemoteVsLocal`).
 * Not measured yet: send across hosts fills this in, and sendRows shows it.
 */
function benchSendAcrossHosts(_bed: Bed): Promise<Results> {
  return Promise.resolve({});
}

function sendRows(results: Results): Row[] {
  if (results['sendRemoteMedianMs'] === undefined) return [['send peer@host vs local send (median)', 'not measured yet', 'report', '']];
  return [
    ['send, local (median)', `${results['sendLocalMedianMs']} ms`, '', ''],
    ['send peer@host (median)', `${results['sendRemoteMedianMs']} ms`, 'report', `${results['sendRemoteVsLocal']}× local send`],
  ];
}

async function benchHosts(): Promise<Results> {
  const bed = await makeBed();
  try {
    return { ...benchListAllHosts(bed), ...(await benchSendAcrossHosts(bed)) };
  } finally {
    await cleanupBed(bed);
  }
}

export const hostsSection: Section = {
  run: benchHosts,
  rows: (hosts) => [
    ['node -e 0 (median)', `${hosts['nodeNoopMedianMs']} ms`, '', ''],
    [`list --json, ${hosts['identitiesPerHost']} ids here (median)`, `${hosts['localListMedianMs']} ms`, 'report', ''],
    [`list --host, ${hosts['identitiesPerHost']} ids there, warm (median)`, `${hosts['oneHostMedianMs']} ms`, 'report', `${hosts['oneHostVsLocal']}× local list`],
    [
      `list --all-hosts, here + ${hosts['hosts']} hosts × ${hosts['identitiesPerHost']} ids (median)`,
      `${hosts['allHostsMedianMs']} ms`,
      'report',
      `${hosts['allHostsVsLocal']}× local list, ${hosts['connectionsPerHost']} connection per host`,
    ],
    ['list --all-hosts (p90)', `${hosts['allHostsP90Ms']} ms`, '', ''],
    ...sendRows(hosts),
  ],
};
