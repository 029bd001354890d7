// The real Claude Code busy on a slow model answer: `busy` in list, and a daemon whose idle
// timeout is far shorter than the turn does not reap it, however silent its terminal; once the
// turn ends (its Stop hook) and the timeout passes, it is reaped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsToTest } from './agent-homes.js';
import { type AgentRig, ok, startRig } from './agent-rig.js';
import { waitFor } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { scaled } from '../helpers/deadline.js';

function reapLines(rig: AgentRig): string[] {
  try {
    return readFileSync(join(rig.home.home, 'logs', 'lifecycle.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(`ev=supervise identity=${rig.identity} action=reaped-idle`));
  } catch {
    return [];
  }
}

describe.skipIf(!agentsToTest())('claude busy on a slow answer', () => {
  let rig: AgentRig;

  beforeAll(async () => {
    rig = await startRig('claude');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('is not reaped idle during the turn, and is after it', async () => {
    ok(await rig.run(['add', 'a', '--runtime', 'claude', '--cwd', rig.cwd, '--idle-timeout', '2']), 'add a');
    rig.api.setNext({ kind: 'text', text: 'a slow answer', delayMs: 15_000 });
    expect((await rig.send('take your time')).outcome).toBe('woken-delivered');
    await waitFor(() => rig.api.inFlight() > 0, 'the slow request', scaled(30_000), 100);
    const daemon = startDaemon(rig.home, { ...rig.env, IAPEER_SUPERVISE_INTERVAL_MS: '500' });
    try {
      const rows = JSON.parse(ok(await rig.run(['list', '--json']), 'list').stdout) as Array<{ identity: string; activity: string }>;
      expect(rows.find((row) => row.identity === rig.identity)?.activity).toBe('busy');
      await waitFor(() => rig.api.inFlight() === 0, 'the slow turn to end', scaled(60_000), 200);
      // Many ticks past the 2 s timeout went by while the model worked: none reaped it.
      expect(reapLines(rig)).toEqual([]);
      await waitFor(() => reapLines(rig).length > 0, 'the idle reap after the turn', scaled(60_000), 250);
      // Counted from the end of the turn, as the agent's Stop hook dated it (to the second).
      const stops = readFileSync(join(rig.home.home, 'state', rig.identity, 'events'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('Stop '))
        .map((line) => Number(line.split(' ')[1]) * 1000);
      const reapedAt = Date.parse(/^ts=(\S+)/.exec(reapLines(rig)[0] ?? '')?.[1] ?? '');
      const lastStop = Math.max(...stops.filter((at) => at <= reapedAt));
      expect(Number.isFinite(lastStop)).toBe(true);
      expect(reapedAt).toBeGreaterThanOrEqual(lastStop + 2000);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exit;
    }
  });
});
