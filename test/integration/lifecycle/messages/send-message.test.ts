// A send to a peer that cannot be started until the operator acts (its runtime not installed
// or not defined, its working directory gone), and what the daemon does with what waits for it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../helpers/cli.js';
import { startDaemon, waitForTicks } from '../../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { expectError, lifecycleLines } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { DEMO_AGENT, DEMO_KNOBS, addPeer, messagesOf, queuedFiles, sendJson } from '../../../fixtures/messages.js';

const home = useHome();
const MISSING = 'iapeer-no-such-agent';

async function writeRuntimes(runtimes: Record<string, unknown>): Promise<void> {
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes }), { mode: 0o600 });
}

async function waiting(identity: string, id: string): Promise<{ attempts: number; nextAttemptAt: string; lastError: string | null }> {
  return JSON.parse(await readFile(join(home.home, 'queue', identity, `${id}.json`), 'utf8')) as { attempts: number; nextAttemptAt: string; lastError: string | null };
}

describe('send to a peer that cannot be started', () => {
  it('a runtime not on PATH: exit 1 with the fix, nothing queued; what waited already stays, no attempt counted', async () => {
    await writeRuntimes({ ghost: { fresh: [MISSING] } });
    await addPeer(home, 'gil', 'ghost');
    const earlier = await sendJson(home, ['gil', '--message', 'earlier', '--no-wake']);
    expect(earlier.outcome).toBe('queued');

    const result = await home.run(['send', 'gil', '--message', 'now']);
    expectError(
      result,
      1,
      'send',
      new RegExp(`^iapeer: send: nothing was sent or queued: ghost-gil cannot start: runtime ghost: command "${MISSING}" is not on PATH; install it or define the runtime in ${home.home}/runtimes\\.json$`),
    );
    expect(await queuedFiles(home)).toEqual([`ghost-gil/${earlier.id}.json`]);
    expect(await waiting('ghost-gil', earlier.id)).toMatchObject({ attempts: 0 });
    const lines = await lifecycleLines(home);
    expect(lines.filter((line) => / ev=deliver identity=ghost-gil id=\S+ reason="runtime ghost: command .* outcome=refused confirmed=none$/.test(line))).toHaveLength(1);
  });

  it('a working directory that is gone, and a runtime no longer defined, say how to fix them', async () => {
    const cwd = await addPeer(home, 'cy');
    await rm(cwd, { recursive: true });
    const gone = await home.run(['send', 'cy', '--message', 'hello']);
    expectError(gone, 1, 'send', new RegExp(`cannot start: working directory ${cwd} of peer cy does not exist; fix it with: iapeer add cy --runtime demo --cwd <dir>$`));

    await writeRuntimes({ ghost: { fresh: [MISSING] } });
    await addPeer(home, 'una', 'ghost');
    await writeRuntimes({});
    const unknown = await home.run(['send', 'una', '--message', 'hello']);
    expectError(unknown, 1, 'send', /cannot start: unknown runtime "ghost": known runtimes are claude, codex, demo; define it in \S+runtimes\.json$/);
    expect(await queuedFiles(home)).toEqual([]);
  });

  it(
    'the daemon logs it once, looks again only now and then, and delivers once it is fixed',
    async () => {
      await writeRuntimes({ ghost: { fresh: [MISSING] } });
      const cwd = await addPeer(home, 'gil', 'ghost');
      const first = await sendJson(home, ['gil', '--message', 'wait for me', '--no-wake']);
      const daemon = startDaemon(home, { IAPEER_SUPERVISE_INTERVAL_MS: '200' });
      const retry = new RegExp(` ev=deliver identity=ghost-gil id=${first.id} reason=".*not on PATH.*" outcome=retry-later confirmed=none$`);
      await waitFor(async () => (await lifecycleLines(home)).some((line) => retry.test(line)), 'the first failed wake', scaled(20_000));
      // Twenty ticks are over 4 s: a retry every tick, or on the 2 s backoff, would show.
      await waitForTicks(home, daemon, 20);
      const lines = await lifecycleLines(home);
      expect(lines.filter((line) => retry.test(line))).toHaveLength(1);
      expect(lines.filter((line) => /outcome=set-aside/.test(line))).toEqual([]);
      const message = await waiting('ghost-gil', first.id);
      expect(message.attempts).toBe(0);
      expect(Date.parse(message.nextAttemptAt) - Date.now()).toBeGreaterThan(30_000);
      const daemonLog = await readFile(join(home.home, 'logs', 'daemon.log'), 'utf8');
      expect(daemonLog.split('\n').filter((line) => line.includes('ghost-gil cannot start: runtime ghost'))).toHaveLength(1);

      // Fixed: the next send delivers what waited, then itself, in order.
      await writeRuntimes({ ghost: { fresh: [process.execPath, DEMO_AGENT], ready: '^demo> ', ...DEMO_KNOBS } });
      expect((await sendJson(home, ['gil', '--message', 'fixed'])).outcome).toBe('woken-delivered');
      expect((await messagesOf(cwd)).map((text) => text.split('\n')[1])).toEqual(['wait for me', 'fixed']);
      expect(await queuedFiles(home)).toEqual([]);
    },
    testTimeoutFor(60_000),
  );
});
