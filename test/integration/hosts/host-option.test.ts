import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../../helpers/cli.js';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
const env = () => ({ IAPEER_SSH: set.sshBin });
const h1 = () => set.host('h1').home;

// h1 holds a down peer with a message waiting and a stopped one: nothing there changes between
// two calls, so what it prints through ssh and what it prints itself can be compared as they are.
// `gone` is in hosts.json but its sshd is down.
beforeAll(async () => {
  set = await startHosts(['h1', 'gone'], () => home.another());
  await set.host('gone').sshd.stop();
  await set.writeHostsFile(home);
  for (const name of ['bob', 'ben']) expectOk(await h1().run(['add', name, '--runtime', 'demo', '--cwd', await workDir(h1(), name), '--description', `${name} on h1`]));
  expectOk(await h1().run(['stop', 'ben']));
  expectOk(await h1().run(['send', 'bob', '--message', 'hello from the test', '--no-wake']));
}, testTimeoutFor(40_000));
afterAll(async () => set?.cleanup());

/** Ages in a table (`12s`, `3m`) move on between two calls. */
const ageless = (result: CliResult): CliResult => ({ ...result, stdout: result.stdout.replace(/\b\d+[smhd]\b/g, 'N') });

const VERBS = ['list', 'status', 'queue', 'log'] as const;

describe('--host <h> on list, status, queue and log', () => {
  it.each([
    [['list']],
    [['list', '--json']],
    [['status']],
    [['status', '--json']],
    [['queue']],
    [['queue', '--json']],
    [['log']],
    [['log', '--json']],
    [['log', '--peer', 'ben', '--ev', 'stop']],
    [['log', '--since', 'yesterday']],
  ])('%j prints what that host prints, and exits as it does', async (args: string[]) => {
    const there = await home.run([...args, '--host', 'h1'], { env: env() });
    const itself = await h1().run(args);
    expect(itself.stdout + itself.stderr).not.toBe('');
    expect(ageless(there)).toEqual(ageless(itself));
  }, testTimeoutFor(20_000));

  it('the host’s own words, failures included: exit codes and stderr as they are', async () => {
    const failed = await home.run(['log', '--host', 'h1', '--since', 'yesterday'], { env: env() });
    expectError(failed, 2, 'log', /yesterday/);
    const listed = JSON.parse((await home.run(['list', '--host', 'h1', '--json'], { env: env() })).stdout) as Array<{ identity: string; waiting: number }>;
    expect(listed.map((row) => [row.identity, row.waiting])).toEqual([
      ['demo-bob', 1],
      ['demo-ben', 0],
    ]);
  }, testTimeoutFor(20_000));

  it.each(VERBS)('%s: a host hosts.json does not name is a usage error naming it (exit 2)', async (verb) => {
    expectError(await home.run([verb, '--host', 'nope'], { env: env() }), 2, verb, /no host "nope" in hosts\.json: the hosts are gone, h1$/);
  });

  it.each(VERBS)('%s: a host that does not answer is one line naming it with the last line ssh printed (exit 1)', async (verb) => {
    const { port } = set.host('gone').sshd;
    const result = await home.run([verb, '--host', 'gone'], { env: env() });
    expectError(result, 1, verb, new RegExp(`host gone \\(127\\.0\\.0\\.1:${port}\\) did not answer: ssh: connect to host 127\\.0\\.0\\.1 port ${port}: Connection refused$`));
  }, testTimeoutFor(20_000));
});
