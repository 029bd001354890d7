// `<peer>@<host>` on each verb, over a real OpenSSH: the verb runs on that host, its output and
// exit code come back as they are; a host part that is wrong is refused here, before any ssh.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, transcript, waitForTranscript, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
beforeAll(async () => {
  set = await startHosts(['h1', 'h2', 'h3'], () => home.another());
  await set.writeHostsFile(home);
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

const run = (args: readonly string[]) => home.run(args, { env: { IAPEER_SSH: set.sshBin } });
const h1 = () => set.host('h1').home;
const peersOf = async (where: { run: typeof home.run }) => JSON.parse((await where.run(['list', '--json'])).stdout) as Array<{ personality: string; state: string }>;
const registryOf = (dir: string) => readFile(join(dir, 'peers.json'), 'utf8').catch(() => 'none');

describe('a verb on another host', () => {
  it('add: refused here without --cwd (this machine’s directory means nothing there); with it the record is on that host only', async () => {
    const connections = set.host('h1').sshd.connections();
    expectError(await run(['add', 'boris@h1', '--runtime', 'demo']), 2, 'add', /a peer on h1 needs its directory there: give --cwd <dir on h1>$/);
    expectError(await run(['add', 'boris@h1', '--runtime', 'demo', '--cwd', 'relative/dir']), 2, 'add', /--cwd "relative\/dir": give the directory on h1 in full, from \/$/);
    expect(set.host('h1').sshd.connections()).toBe(connections);
    expect(await registryOf(h1().home)).toBe('none');

    const cwd = await workDir(h1(), 'boris');
    const added = await run(['add', 'boris@h1', '--runtime', 'demo', '--cwd', cwd, '--description', 'a = b, -c "d"']);
    expect(added).toEqual({ code: 0, stdout: 'added boris (demo)\n', stderr: '' });
    const shown = JSON.parse((await h1().run(['show', 'boris', '--json'])).stdout) as { peer: { cwd: string; description: string } };
    expect(shown.peer).toMatchObject({ cwd, description: 'a = b, -c "d"' });
    expect(await peersOf(home)).toEqual([]);
    expect(await peersOf(set.host('h2').home)).toEqual([]);
  }, testTimeoutFor(60_000));

  it('start, peek, interrupt, compact, show, restart, stop and remove run on the demo peer there', async () => {
    const cwd = await workDir(h1(), 'ann');
    expectOk(await run(['add', 'ann@h1', '--runtime', 'demo', '--cwd', cwd]));
    const started = await run(['start', 'ann@h1']);
    expect(started.stderr).toBe('');
    expect(started.stdout).toMatch(/^started demo-ann \(fresh, first-start\), pid \d+\n$/);
    await waitForTranscript(cwd, 'the fresh start', (entry) => entry.kind === 'start');
    const peeked = await waitFor(async () => {
      const result = await run(['peek', 'ann@h1', 'demo', '--lines', '40']);
      return result.code === 0 && /^demo>/m.test(result.stdout) ? result : undefined;
    }, 'the prompt on peek', scaled(20_000));
    expect(peeked.stderr).toBe('');

    expectOk(await run(['interrupt', 'demo-ann@h1']));
    await waitForTranscript(cwd, 'the interrupt', (entry) => entry.kind === 'interrupt');
    expectOk(await run(['compact', 'ann@h1']));
    await waitForTranscript(cwd, 'the compact', (entry) => entry.kind === 'compact');

    const shown = await run(['show', 'ann@h1', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout)).toMatchObject({ peer: { personality: 'ann', cwd }, identities: [{ identity: 'demo-ann' }] });

    const live = await run(['remove', 'ann@h1']);
    expectError(live, 1, 'remove', /ann is live.*--force/);

    const restarted = await run(['restart', 'ann@h1']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/demo-ann/);
    await waitFor(async () => (await transcript(cwd)).filter((entry) => entry.kind === 'start').length === 2, 'the restart', scaled(20_000));

    expect(await run(['stop', 'ann@h1'])).toEqual({ code: 0, stdout: 'stopped demo-ann\n', stderr: '' });
    expect(await peersOf(h1())).toContainEqual(expect.objectContaining({ personality: 'ann', state: 'stopped' }));
    expectOk(await run(['remove', 'ann@h1']));
    expect((await peersOf(h1())).map((peer) => peer.personality)).not.toContain('ann');
  }, testTimeoutFor(120_000));

  it('gives back the remote’s exit code and its one error line as they are', async () => {
    const there = await h1().run(['stop', 'nobody']);
    expect(there.code).toBe(2);
    expect(await run(['stop', 'nobody@h1'])).toEqual(there);
    const refused = await h1().run(['add', 'x', '--runtime', 'nosuch', '--cwd', '/']);
    expect(refused.code).toBe(2);
    expect(await run(['add', 'x@h1', '--runtime', 'nosuch', '--cwd', '/'])).toEqual(refused);
  }, testTimeoutFor(60_000));

  it('<peer>@local runs here', async () => {
    const cwd = await workDir(home, 'carol');
    expectOk(await run(['add', 'carol@local', '--runtime', 'demo', '--cwd', cwd]));
    expect((await peersOf(home)).map((peer) => peer.personality)).toEqual(['carol']);
    expect((await peersOf(h1())).map((peer) => peer.personality)).not.toContain('carol');
    expect(await run(['stop', 'carol@local'])).toEqual({ code: 0, stdout: 'stopped demo-carol (it was not running)\n', stderr: '' });
    expectOk(await run(['remove', 'demo-carol@local']));
    expect(await peersOf(home)).toEqual([]);
  }, testTimeoutFor(60_000));

  it('an unknown host is exit 2 naming it and the hosts; an invalid host part is exit 2; neither reaches any host', async () => {
    const before = set.hosts.map((host) => host.sshd.connections());
    expectError(await run(['stop', 'boris@h9']), 2, 'stop', /^iapeer: stop: no host "h9" in hosts\.json: the hosts are h1, h2, h3$/);
    for (const target of ['boris@Bad_Host', 'boris@', '@h1', 'boris@-h1', `boris@${'a'.repeat(33)}`]) {
      for (const verb of ['start', 'stop', 'restart', 'remove', 'show', 'peek', 'interrupt', 'compact']) {
        expectError(await run([verb, target]), 2, verb, /invalid target .*expected <peer>@<host>/);
      }
      expectError(await run(['log', '--peer', target]), 2, 'log', /invalid target .*expected <peer>@<host>/);
    }
    expectError(await run(['list', '--host', 'Bad_Host']), 2, 'list', /invalid host "Bad_Host"/);
    expect(set.hosts.map((host) => host.sshd.connections())).toEqual(before);
  }, testTimeoutFor(60_000));

  it('a host that does not answer is one error line naming it with the last line ssh printed (exit 1)', async () => {
    const down = set.host('h3');
    await down.sshd.stop();
    const said = `iapeer: %s: host h3 (${down.entry.ssh}) did not answer: ssh: connect to host 127.0.0.1 port ${down.sshd.port}: Connection refused\n`;
    const cases: Array<[string, string[]]> = [
      ['start', ['start', 'boris@h3']],
      ['stop', ['stop', 'boris@h3']],
      ['show', ['show', 'boris@h3', '--json']],
      ['add', ['add', 'boris@h3', '--runtime', 'demo', '--cwd', '/srv/x']],
      ['log', ['log', '--peer', 'boris@h3']],
      ...['restart', 'remove', 'peek', 'interrupt', 'compact'].map((verb): [string, string[]] => [verb, [verb, 'demo-boris@h3']]),
    ];
    for (const [verb, args] of cases) {
      expect(await run(args), args.join(' ')).toEqual({ code: 1, stdout: '', stderr: said.replace('%s', verb) });
    }
  }, testTimeoutFor(120_000));
});
