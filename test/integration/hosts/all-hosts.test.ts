import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult, TestHome } from '../../helpers/cli.js';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, workDir } from '../../helpers/fleet.js';
import { type TestHost, type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
const env = () => ({ IAPEER_SSH: set.sshBin });
const h1 = () => set.host('h1').home;
const h2 = () => set.host('h2').home;

/** The peers of each host, as added (registry order): local alice live, h1 bob live and ben stopped. */
const FLEET = [
  ['local', 'demo-alice', 'live'],
  ['local', 'demo-amy', 'down'],
  ['h1', 'demo-bob', 'live'],
  ['h1', 'demo-ben', 'stopped'],
  ['h2', 'demo-carl', 'down'],
];

async function add(on: TestHome, name: string): Promise<void> {
  expectOk(await on.run(['add', name, '--runtime', 'demo', '--cwd', await workDir(on, name), '--description', `${name} here`]));
}

beforeAll(async () => {
  set = await startHosts(['h1', 'h2'], () => home.another());
  await set.writeHostsFile(home);
  for (const name of ['alice', 'amy']) await add(home, name);
  for (const name of ['bob', 'ben']) await add(h1(), name);
  await add(h2(), 'carl');
  expectOk(await home.run(['start', 'alice']));
  expectOk(await h1().run(['start', 'bob']));
  expectOk(await h1().run(['stop', 'ben']));
}, testTimeoutFor(60_000));
afterAll(async () => set?.cleanup());

type Entry = Record<string, unknown> & { host: string };

function entriesOf(result: CliResult): Entry[] {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Entry[];
}

/** A table's rows as cells (columns are two spaces apart at least; a cell holds at most one space in a row). */
function cellsOf(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

/** What changes from one second to the next in a live row. */
const steady = (row: Record<string, unknown>) => ({ ...row, idleSeconds: row['idleSeconds'] === null ? null : 0 });

const warning = (verb: string, host: TestHost) =>
  new RegExp(`^iapeer: ${verb}: warning: host ${host.name} \\(127\\.0\\.0\\.1:${host.sshd.port}\\) unreachable: ssh: connect to host 127\\.0\\.0\\.1 port ${host.sshd.port}: Connection refused\\n$`);

describe('list --all-hosts', () => {
  it('lists every identity of this host and of each host of hosts.json, each with its host, as that host lists it', async () => {
    const entries = entriesOf(await home.run(['list', '--all-hosts', '--json'], { env: env() }));
    expect(entries.map((entry) => [entry.host, entry['identity'], entry['state']])).toEqual(FLEET);
    expect(entries.every((entry) => Object.keys(entry)[0] === 'host')).toBe(true);
    for (const [name, on] of [['local', home], ['h1', h1()], ['h2', h2()]] as const) {
      const own = JSON.parse((await on.run(['list', '--json'])).stdout) as Array<Record<string, unknown>>;
      expect(entries.filter((entry) => entry.host === name).map(steady)).toEqual(own.map((row) => steady({ host: name, ...row })));
    }
  }, testTimeoutFor(30_000));

  it('shows them in a table with a HOST column', async () => {
    const listed = await home.run(['list', '--all-hosts'], { env: env() });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const [header, ...rows] = cellsOf(listed.stdout);
    expect(header).toEqual(['HOST', 'PEER', 'RUNTIME', 'STATE', 'ACTIVITY', 'IDLE', 'WAITING', 'DESCRIPTION']);
    expect(rows.map((row) => [row[0], `${row[2]}-${row[1]}`, row[3]])).toEqual(FLEET);
    expect(rows.map((row) => row[7])).toEqual(['alice here', 'amy here', 'bob here', 'ben here', 'carl here']);
  }, testTimeoutFor(30_000));

  it('is refused with --host (exit 2)', async () => {
    expectError(await home.run(['list', '--host', 'h1', '--all-hosts'], { env: env() }), 2, 'list', /--host .*--all-hosts/);
    expectError(await home.run(['status', '--all-hosts', '--host', 'h1', '--json'], { env: env() }), 2, 'status', /--host .*--all-hosts/);
  });
});

describe('status --all-hosts', () => {
  it('is this host’s status and each host’s, as each says it', async () => {
    const entries = entriesOf(await home.run(['status', '--all-hosts', '--json'], { env: env() }));
    expect(entries.map((entry) => entry.host)).toEqual(['local', 'h1', 'h2']);
    for (const [index, on] of [home, h1(), h2()].entries()) {
      const own = JSON.parse((await on.run(['status', '--json'])).stdout) as Record<string, unknown>;
      expect(entries[index]).toEqual({ host: entries[index]?.host, ...own });
    }
  }, testTimeoutFor(30_000));

  it('shows one row per host', async () => {
    const shown = await home.run(['status', '--all-hosts'], { env: env() });
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    const [header, ...rows] = cellsOf(shown.stdout);
    expect(header).toEqual(['HOST', 'DAEMON', 'LAST-TICK', 'PEERS', 'LIVE', 'DOWN', 'STOPPED', 'BLOCKED', 'BUSY', 'IDLE', 'NEEDS-INPUT', 'WAITING', 'SET-ASIDE']);
    expect(rows.map((row) => row.slice(0, 8))).toEqual([
      ['local', 'not-running', '-', '2', '1', '1', '0', '0'],
      ['h1', 'not-running', '-', '2', '1', '0', '1', '0'],
      ['h2', 'not-running', '-', '1', '0', '1', '0', '0'],
    ]);
  }, testTimeoutFor(30_000));
});

describe('a host that does not answer', () => {
  it('is one unreachable entry and one warning line; the others are listed, and the verb exits 0', async () => {
    const down = set.host('h2');
    await down.sshd.stop();
    try {
      const listed = await home.run(['list', '--all-hosts', '--json'], { env: env() });
      expect(listed.stderr).toMatch(warning('list', down));
      const entries = entriesOf(listed);
      expect(entries.map((entry) => [entry.host, entry['identity'], entry['state']])).toEqual([...FLEET.slice(0, 4), ['h2', undefined, 'unreachable']]);
      expect(entries.at(-1)).toEqual({
        host: 'h2',
        ssh: down.sshd.target,
        state: 'unreachable',
        error: `ssh: connect to host 127.0.0.1 port ${down.sshd.port}: Connection refused`,
      });

      const table = await home.run(['list', '--all-hosts'], { env: env() });
      expect(table.code).toBe(0);
      expect(table.stderr).toMatch(warning('list', down));
      expect(cellsOf(table.stdout).at(-1)).toEqual(['h2', '-', '-', 'unreachable', '-', '-', '-', '-']);

      const status = await home.run(['status', '--all-hosts', '--json'], { env: env() });
      expect(status.stderr).toMatch(warning('status', down));
      const statuses = entriesOf(status);
      expect(statuses.map((entry) => [entry.host, entry['state'] ?? (entry['daemon'] as { state: string }).state])).toEqual([
        ['local', 'not-running'],
        ['h1', 'not-running'],
        ['h2', 'unreachable'],
      ]);
      const statusTable = await home.run(['status', '--all-hosts'], { env: env() });
      expect(statusTable.code).toBe(0);
      expect(statusTable.stderr).toMatch(warning('status', down));
      expect(cellsOf(statusTable.stdout).at(-1)?.slice(0, 4)).toEqual(['h2', 'unreachable', '-', '-']);
    } finally {
      await down.sshd.start();
    }
    // Back up, it is listed again: the dead master was replaced.
    const again = entriesOf(await home.run(['list', '--all-hosts', '--json'], { env: env() }));
    expect(again.map((entry) => [entry.host, entry['identity'], entry['state']])).toEqual(FLEET);
  }, testTimeoutFor(60_000));

  it('nor one whose iapeer fails there: unreachable, with what its iapeer said', async () => {
    const failing = set.host('h2');
    const registry = join(failing.home.home, 'peers.json');
    const kept = (await failing.home.run(['list', '--json'])).stdout;
    const saved = await readFile(registry);
    await writeFile(registry, '{ not json', { mode: 0o600 });
    try {
      const listed = await home.run(['list', '--all-hosts', '--json'], { env: env() });
      const lines = listed.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^iapeer: list: warning: host h2 \(127\.0\.0\.1:\d+\) unreachable: iapeer list --json exited 1: iapeer: list: .*peers\.json is invalid/);
      expect(entriesOf(listed).at(-1)).toMatchObject({ host: 'h2', state: 'unreachable', error: expect.stringMatching(/^iapeer list --json exited 1: /) as unknown });
    } finally {
      await writeFile(registry, saved, { mode: 0o600 });
    }
    expect((await failing.home.run(['list', '--json'])).stdout).toBe(kept);
  }, testTimeoutFor(30_000));
});
