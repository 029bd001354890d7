import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathsFor } from '../../../src/core/paths.js';
import { newPeerRecord, withPeer } from '../../../src/registry/schema.js';
import { updateRegistry } from '../../../src/registry/update-registry.js';
import type { CliResult } from '../../helpers/cli.js';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { expectOk, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
const env = () => ({ IAPEER_SSH: set.sshBin });
const NAMES = Array.from({ length: 40 }, (_, index) => `p${String(index + 1).padStart(2, '0')}`);

// sshd's default MaxSessions: a connection that carried more sessions at once would be refused some.
beforeAll(async () => {
  set = await startHosts(['h1'], () => home.another(), { maxSessions: 10 });
  await set.writeHostsFile(home);
  const there = set.host('h1').home;
  const cwd = await workDir(there, 'shared');
  const now = new Date().toISOString();
  // Through the locked writer in one go: 40 `iapeer add` runs would be most of the test.
  await updateRegistry(pathsFor({ home: there.home, sockDir: there.sockDir }), (current) => ({
    next: NAMES.reduce((registry, personality) => withPeer(registry, newPeerRecord({ personality, runtimes: ['demo'], cwd }, now)), current),
    value: undefined,
  }));
  expectOk(await there.run(['start', 'p07']));
}, testTimeoutFor(40_000));
afterAll(async () => set?.cleanup());

/** The calls' results, and the most TCP connections to h1's sshd seen while they ran. */
async function sampled(calls: ReadonlyArray<Promise<CliResult>>): Promise<{ results: CliResult[]; most: number }> {
  const { sshd } = set.host('h1');
  let running = true;
  let most = 0;
  const sampler = (async () => {
    while (running) {
      most = Math.max(most, sshd.connections());
      // The pace of the samples, not a wait for anything.
      await sleep(20);
    }
  })();
  try {
    const results = await Promise.all(calls);
    return { results, most: Math.max(most, sshd.connections()) };
  } finally {
    running = false;
    await sampler;
  }
}

function rowsOf(result: CliResult): Array<{ host?: string; identity: string; state: string }> {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Array<{ host?: string; identity: string; state: string }>;
}

describe('one ssh connection per host, however many calls', () => {
  it('a cold burst of 20 processes (list --host, show peer@host) opens one connection, and every call is answered', async () => {
    expect(set.host('h1').sshd.connections()).toBe(0);
    const calls = NAMES.slice(0, 20).map((name, index) =>
      index % 2 === 0 ? home.run(['list', '--host', 'h1', '--json'], { env: env() }) : home.run(['show', `${name}@h1`, '--json'], { env: env() }),
    );
    const { results, most } = await sampled(calls);
    results.forEach((result, index) => {
      if (index % 2 === 0) expect(rowsOf(result)).toHaveLength(40);
      else {
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ identities: [{ personality: NAMES[index] }] });
      }
    });
    expect(most).toBe(1);
  }, testTimeoutFor(60_000));

  it('list --all-hosts over 40 peers there, and 20 of them at once, over that one connection', async () => {
    const rows = rowsOf(await home.run(['list', '--all-hosts', '--json'], { env: env() }));
    expect(rows.map((row) => row.identity)).toEqual(NAMES.map((name) => `demo-${name}`));
    expect(new Set(rows.map((row) => row.host))).toEqual(new Set(['h1']));
    expect(rows.find((row) => row.identity === 'demo-p07')?.state).toBe('live');
    const { results, most } = await sampled(Array.from({ length: 20 }, () => home.run(['list', '--all-hosts', '--json'], { env: env() })));
    for (const result of results) expect(rowsOf(result)).toHaveLength(40);
    expect(most).toBe(1);
  }, testTimeoutFor(60_000));
});
