// Hostile hosts.json entries and targets on the verbs that reach a host: refused with a message
// naming the host and the field, before any ssh, nothing run and nothing changed there; a
// remote home full of shell characters is used as it is, by the iapeer there.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlDirFor } from '../../../src/transport/ssh/control-dir.js';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
beforeAll(async () => {
  set = await startHosts(['h1'], () => home.another());
  const h1 = set.host('h1').home;
  expectOk(await h1.run(['add', 'boris', '--runtime', 'demo', '--cwd', await workDir(h1, 'boris')]));
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

const run = (args: readonly string[]) => home.run(args, { env: { IAPEER_SSH: set.sshBin } });
const pwned = () => join(home.home, 'pwned');

async function writeHosts(hosts: Record<string, unknown>): Promise<void> {
  await writeFile(join(home.home, 'hosts.json'), JSON.stringify({ hosts }), { mode: 0o600 });
}

/** What a verb could change on h1: its registry and its lifecycle log. */
async function stateOfH1(): Promise<string[]> {
  const dir = set.host('h1').home.home;
  return Promise.all(['peers.json', join('logs', 'lifecycle.log')].map((file) => readFile(join(dir, file), 'utf8').catch(() => 'none')));
}

const VERBS: ReadonlyArray<readonly string[]> = [
  ['start', 'boris@h1'],
  ['stop', 'boris@h1'],
  ['show', 'boris@h1'],
  ['add', 'carol@h1', '--runtime', 'demo', '--cwd', '/tmp'],
  ['log', '--peer', 'boris@h1'],
  ['list', '--host', 'h1'],
];

describe('hostile hosts.json entries on the verbs', () => {
  it('refuses the file, naming the host and the field: nothing runs there, nothing changes, no ssh starts', async () => {
    const good = set.host('h1').entry;
    const hostile: Array<[Record<string, unknown>, RegExp]> = [
      [{ h1: good, 'a;rm -rf x': good }, /host "a;rm -rf x": name: a host name is 1 to 32 of a-z, 0-9 and -/],
      [{ h1: good, '-oProxyCommand=x': good }, /host "-oProxyCommand=x": name: /],
      [{ h1: good, H2: good }, /host "H2": name: /],
      [{ h1: { ...good, ssh: `-oProxyCommand=touch ${pwned()}` } }, /host "h1"\.ssh: expected \[user@\]host\[:port\] .*-oProxyCommand=touch/],
      [{ h1: { ...good, ssh: `${good.ssh} -oProxyCommand=touch ${pwned()}` } }, /host "h1"\.ssh: expected \[user@\]host\[:port\]/],
      [{ h1: { ...good, ssh: `127.0.0.1 -p ${set.host('h1').sshd.port}` } }, /host "h1"\.ssh: expected/],
      [{ h1: { ...good, ssh: `$(touch ${pwned()})` } }, /host "h1"\.ssh: expected/],
      [{ h1: { ...good, home: `relative/$(touch ${pwned()})` } }, /host "h1"\.home: expected an absolute path/],
    ];
    const before = await stateOfH1();
    const connections = set.host('h1').sshd.connections();
    for (const [hosts, message] of hostile) {
      await writeHosts(hosts);
      for (const args of VERBS) {
        const verb = args[0] as string;
        const result = await run(args);
        expectError(result, 1, verb, /\/hosts\.json is invalid \(/);
        expect(result.stderr, args.join(' ')).toMatch(message);
      }
    }
    expect(existsSync(pwned())).toBe(false);
    expect(await stateOfH1()).toEqual(before);
    expect(set.host('h1').sshd.connections()).toBe(connections);
    expect(existsSync(controlDirFor(home.sockDir, process.getuid?.() ?? 0))).toBe(false);
  }, testTimeoutFor(120_000));

  it('refuses a target whose host part is not a host name, before reading hosts.json (exit 2)', async () => {
    await writeHosts({ h1: set.host('h1').entry });
    const before = await stateOfH1();
    for (const host of ['H1', 'a;rm -rf x', '-oProxyCommand=x', `$(touch ${pwned()})`, 'h1 h2']) {
      for (const verb of ['start', 'stop', 'show']) expectError(await run([verb, `boris@${host}`]), 2, verb, /invalid target .*expected <peer>@<host>/);
      expectError(await run(['list', '--host', host]), 2, 'list', /invalid host /);
    }
    expect(existsSync(pwned())).toBe(false);
    expect(await stateOfH1()).toEqual(before);
  }, testTimeoutFor(60_000));
});

describe('a remote home with quotes, spaces, $(…) and backticks', () => {
  it('is the home the iapeer there uses, quoted as it is: the peer lands there and nothing of the name runs', async () => {
    const h1 = set.host('h1');
    const parent = join(h1.home.home, 'odd');
    const odd = join(parent, `it's "a" $(touch pwned) \`touch pwned\` ;touch pwned; x`);
    await mkdir(odd, { recursive: true, mode: 0o700 });
    // The test's entry sets IAPEER_HOME in its command: left out here, the entry's home decides.
    const iapeer = h1.entry.iapeer.filter((word) => !word.startsWith('IAPEER_HOME='));
    await writeHosts({ h1: { ssh: h1.entry.ssh, home: odd, iapeer } });
    const cwd = await workDir(h1.home, 'dora');
    expect(await run(['add', 'dora@h1', '--runtime', 'demo', '--cwd', cwd])).toEqual({ code: 0, stdout: 'added dora (demo)\n', stderr: '' });
    expectOk(await run(['start', 'dora@h1']));
    expect(JSON.parse(await readFile(join(odd, 'peers.json'), 'utf8'))).toMatchObject({ peers: [{ personality: 'dora', cwd }] });
    expect(await readFile(join(odd, 'logs', 'lifecycle.log'), 'utf8')).toMatch(/ ev=start identity=demo-dora /);
    const listed = await run(['list', '--host', 'h1', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ personality: 'dora', state: 'live' }]);
    // Not the other home there: boris is in that one, dora in this one only.
    expect(await readFile(join(h1.home.home, 'peers.json'), 'utf8')).not.toMatch(/dora/);
    expectOk(await run(['stop', 'dora@h1']));
    for (const dir of [parent, odd, dirname(odd), homedir(), userInfo().homedir, process.cwd(), h1.home.home]) expect(existsSync(join(dir, 'pwned')), dir).toBe(false);
  }, testTimeoutFor(60_000));
});
