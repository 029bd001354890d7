import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/cli.js';
import { startDaemon } from '../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { transcript, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const ORIGIN = 'laptop';
const home = useHome({ shared: true });
let set: TestHosts;
let bDir: string;
let aDir: string;
const env = () => ({ IAPEER_SSH: set.sshBin, IAPEER_HOST_NAME: ORIGIN });

beforeAll(async () => {
  set = await startHosts(['h1'], () => home.another());
  await set.writeHostsFile(home);
  const h1 = set.host('h1').home;
  bDir = await workDir(h1, 'b');
  expect((await h1.run(['add', 'b', '--runtime', 'demo', '--cwd', bDir])).code).toBe(0);
  aDir = await workDir(home, 'a');
  expect((await home.run(['add', 'a', '--runtime', 'demo', '--cwd', aDir])).code).toBe(0);
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

/** The messages b's session on h1 took, each as the header line it came with. */
async function headersInB(): Promise<string[]> {
  return (await transcript(bDir)).filter((entry) => entry.kind === 'message').map((entry) => (entry.text ?? '').split('\n')[0] ?? '');
}

describe('send <peer>@<host>', () => {
  it('delivers into the peer’s session there, with the same id and from=<identity>@<origin>', async () => {
    const sent = await home.run(['send', 'b@h1', '--from', 'demo-a', '--message', 'hello from afar', '--json'], { env: env() });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const result = JSON.parse(sent.stdout) as { id: string; target: string; identity: string; outcome: string };
    expect(result).toMatchObject({ target: 'b@h1', identity: 'demo-b@h1' });
    expect(['delivered', 'woken-delivered']).toContain(result.outcome);
    expect(await headersInB()).toContain(`[iap from=demo-a@${ORIGIN} topic=none id=${result.id}]`);
    const queue = JSON.parse((await home.run(['queue', '--json'])).stdout) as unknown[];
    expect(queue).toEqual([]);
  }, testTimeoutFor(60_000));

  it('several targets, here and on a host, in one send: an id each, and a refusal there is that target’s alone', async () => {
    const sent = await home.run(['send', 'a', 'b@h1', 'nobody@h1', '--message', 'to all three', '--json'], { env: env() });
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(/^iapeer: send: nobody@h1: h1: .*"nobody".*\n$/);
    const results = JSON.parse(sent.stdout) as Array<{ id: string; target: string; identity: string; outcome: string }>;
    expect(results.map((one) => [one.target, one.identity])).toEqual([
      ['a', 'demo-a'],
      ['b@h1', 'demo-b@h1'],
    ]);
    expect(new Set(results.map((one) => one.id)).size).toBe(2);
    const [here, there] = results;
    expect((await transcript(aDir)).filter((entry) => entry.kind === 'message').map((entry) => (entry.text ?? '').split('\n')[0])).toContain(
      `[iap from=operator topic=none id=${here?.id}]`,
    );
    expect(await headersInB()).toContain(`[iap from=operator@${ORIGIN} topic=none id=${there?.id}]`);
    expect(JSON.parse((await home.run(['queue', '--json'])).stdout)).toEqual([]);
  }, testTimeoutFor(60_000));

  it('the receiving host refuses an id it already holds: duplicate, delivered once', async () => {
    const id = '0mx9krfx0000-abc-000001';
    const crossing = JSON.stringify({ version: 1, id, target: 'b', from: `operator@${ORIGIN}`, topic: 'none', body: 'only once', noWake: false });
    const h1 = set.host('h1').home;
    const first = await h1.run(['receive', '--json'], { input: crossing });
    expect(first.stderr).toBe('');
    const taken = JSON.parse(first.stdout) as { id: string; outcome: string };
    expect(taken.id).toBe(id);
    expect(taken.outcome).toMatch(/delivered/);
    const again = await h1.run(['receive', '--json'], { input: crossing });
    expect(JSON.parse(again.stdout)).toMatchObject({ id, outcome: 'duplicate' });
    expect((await headersInB()).filter((line) => line.includes(`id=${id}`))).toHaveLength(1);
  }, testTimeoutFor(60_000));

  it('queue --flush hands what waits for a host to it once it answers', async () => {
    const h1 = set.host('h1');
    await h1.sshd.stop();
    set.killMaster(home, 'h1');
    const sent = JSON.parse((await home.run(['send', 'b@h1', '--message', 'flushed across', '--json'], { env: env() })).stdout) as { id: string; outcome: string };
    expect(sent.outcome).toBe('queued');
    await h1.sshd.start();
    const flushed = await home.run(['queue', '--flush', '--json'], { env: env() });
    expect(flushed.code).toBe(0);
    expect(JSON.parse(flushed.stdout)).toMatchObject({ delivered: [], forwarded: [{ id: sent.id, identity: 'b@h1', there: 'delivered' }], left: [] });
    expect((await headersInB()).filter((line) => line.includes(`id=${sent.id}`))).toHaveLength(1);
  }, testTimeoutFor(60_000));

  it('waits in the local queue while the host is down, and the daemon forwards it when it answers', async () => {
    const h1 = set.host('h1');
    await h1.sshd.stop();
    // A master still up would carry the call (sshd's stop ends its listener only): end it as a dead link would.
    set.killMaster(home, 'h1');
    const sent = await home.run(['send', 'b@h1', '--message', 'while away', '--json'], { env: env() });
    expect(sent.code).toBe(0);
    const result = JSON.parse(sent.stdout) as { id: string; outcome: string };
    expect(result.outcome).toBe('queued');
    const waiting = JSON.parse((await home.run(['queue', '--json'])).stdout) as Array<{ id: string; identity: string }>;
    expect(waiting).toMatchObject([{ id: result.id, identity: 'b@h1' }]);
    await h1.sshd.start();
    startDaemon(home, { ...env(), IAPEER_SUPERVISE_INTERVAL_MS: '200' });
    await waitFor(async () => (await headersInB()).some((line) => line.includes(`id=${result.id}`)), 'the queued message on h1', scaled(60_000));
    await waitFor(async () => (JSON.parse((await home.run(['queue', '--json'])).stdout) as unknown[]).length === 0, 'the local queue empty', scaled(15_000));
    expect((await headersInB()).filter((line) => line.includes(`id=${result.id}`))).toEqual([`[iap from=operator@${ORIGIN} topic=none id=${result.id}]`]);
  }, testTimeoutFor(120_000));
});
