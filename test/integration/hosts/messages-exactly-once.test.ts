import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestHome, waitFor } from '../../helpers/cli.js';
import { startDaemon } from '../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { transcript, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const SENDERS = ['demo-s1', 'demo-s2', 'demo-s3', 'demo-s4'];
const EACH = Number(process.env['IAP_TEST_EACH'] ?? 25);
const home = useHome({ shared: true });
let set: TestHosts;
let bDir: string;
const env = () => ({ IAPEER_SSH: set.sshBin, IAPEER_HOST_NAME: 'origin' });

beforeAll(async () => {
  set = await startHosts(['h1'], () => home.another());
  await set.writeHostsFile(home);
  const h1 = set.host('h1').home;
  bDir = await workDir(h1, 'b');
  expect((await h1.run(['add', 'b', '--runtime', 'demo', '--cwd', bDir])).code).toBe(0);
  for (const sender of SENDERS) {
    const name = sender.replace(/^demo-/, '');
    expect((await home.run(['add', name, '--runtime', 'demo', '--cwd', await workDir(home, name)])).code).toBe(0);
  }
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

/** What b's session took: each message's sender and body, in the order it took them. */
async function taken(): Promise<Array<{ header: string; body: string }>> {
  return (await transcript(bDir))
    .filter((entry) => entry.kind === 'message')
    .map((entry) => {
      const [header = '', ...body] = (entry.text ?? '').split('\n');
      return { header, body: body.join('\n') };
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('100 messages to b@h1 while the link keeps dying', () => {
  it('each arrives in b’s session exactly once, in order per sender; the local queue shows what waits while h1 is down', async () => {
    const h1 = set.host('h1');
    startDaemon(home, { ...env(), IAPEER_SUPERVISE_INTERVAL_MS: '250' });
    let sending = true;
    let seenWaiting = 0;
    const outcomes: string[] = [];
    // The link dies at random points: the master killed mid-call, or sshd away for a few seconds.
    const chaos = (async () => {
      let round = 0;
      while (sending) {
        await sleep(300 + Math.floor(Math.random() * 900));
        round += 1;
        if (round % 3 === 0) {
          await h1.sshd.stop();
          set.killMaster(home, 'h1');
          const downUntil = Date.now() + 1500 + Math.floor(Math.random() * 1500);
          while (Date.now() < downUntil) {
            const waiting = JSON.parse((await home.run(['queue', '--json'])).stdout) as Array<{ identity: string }>;
            if (waiting.some((entry) => entry.identity === 'b@h1')) seenWaiting += 1;
            await sleep(200);
          }
          await h1.sshd.start();
        } else {
          set.killMaster(home, 'h1');
        }
      }
    })();
    try {
      await Promise.all(
        SENDERS.map(async (sender) => {
          for (let index = 1; index <= EACH; index += 1) {
            const sent = await home.run(['send', 'b@h1', '--from', sender, '--message', `${sender} #${index}`, '--json'], { env: env() });
            // Waiting for the queue's lock is said on stderr; nothing else may be.
            expect(sent.stderr.split('\n').filter((line) => line !== '' && !/waiting for/.test(line)), `${sender} #${index}`).toEqual([]);
            expect(sent.code).toBe(0);
            outcomes.push((JSON.parse(sent.stdout) as { outcome: string }).outcome);
          }
        }),
      );
    } finally {
      sending = false;
      await chaos;
    }
    try {
      await waitFor(async () => (await taken()).length >= SENDERS.length * EACH, 'all 100 messages in b’s session', scaled(180_000), 250);
    } catch (error) {
      const said = async (where: TestHome, args: string[]) => (await where.run(args)).stdout.trim().split('\n').slice(-30).join('\n');
      throw new Error(
        `${(error as Error).message}; b took ${(await taken()).length}\nlocal queue: ${await said(home, ['queue', '--json'])}\nlocal log: ${await said(home, ['log', '--ev', 'deliver'])}\nh1 queue: ${await said(h1.home, ['queue'])}\nh1 log: ${await said(h1.home, ['log'])}`,
        { cause: error },
      );
    }
    await waitFor(async () => (JSON.parse((await home.run(['queue', '--json'])).stdout) as unknown[]).length === 0, 'the local queue empty', scaled(30_000));
    const messages = await taken();
    expect(messages).toHaveLength(SENDERS.length * EACH);
    const ids = messages.map((message) => /id=(\S+)\]$/.exec(message.header)?.[1]);
    expect(new Set(ids).size).toBe(messages.length);
    for (const sender of SENDERS) {
      const mine = messages.filter((message) => message.header.startsWith(`[iap from=${sender}@origin `)).map((message) => message.body);
      expect(mine).toEqual(Array.from({ length: EACH }, (_, index) => `${sender} #${index + 1}`));
    }
    // The link did die under it: some sends had to wait, and the queue showed them.
    expect(outcomes).toContain('queued');
    expect(seenWaiting).toBeGreaterThan(0);
  }, testTimeoutFor(400_000));
});
