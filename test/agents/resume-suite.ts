// Two peers of one real agent CLI in one working directory, both reaped idle by the daemon:
// each wakes into its own conversation. `claude --continue` / `codex resume --last` would
// take the directory's most recent one (the other peer's); iapeer resumes by session id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsToTest } from './agent-homes.js';
import { type AgentCli, type AgentRig, ok, startRig, waitForConversation } from './agent-rig.js';
import { waitFor } from '../helpers/cli.js';
import { type DaemonProcess, startDaemon } from '../helpers/daemon.js';
import { scaled } from '../helpers/deadline.js';

function lifecycleLines(rig: AgentRig): string[] {
  try {
    return readFileSync(join(rig.home.home, 'logs', 'lifecycle.log'), 'utf8').split('\n');
  } catch {
    return [];
  }
}

async function sessionIdOf(rig: AgentRig, identity: string): Promise<string | null | undefined> {
  const rows = JSON.parse(ok(await rig.run(['list', '--json']), 'list').stdout) as Array<{ identity: string; sessionId: string | null }>;
  return rows.find((row) => row.identity === identity)?.sessionId;
}

/** Runs a fast daemon until both identities were reaped idle, then ends it, so no reap races the wakes after. */
async function reapBothIdle(rig: AgentRig, identities: readonly string[]): Promise<void> {
  const daemon: DaemonProcess = startDaemon(rig.home, { ...rig.env, IAPEER_SUPERVISE_INTERVAL_MS: '500' });
  try {
    await waitFor(
      () => {
        if (daemon.child.exitCode !== null) throw new Error(`the daemon exited (${daemon.child.exitCode}): ${daemon.stderr}`);
        const lines = lifecycleLines(rig);
        return identities.every((identity) => lines.some((line) => line.includes(` ev=supervise identity=${identity} action=reaped-idle `)));
      },
      `the idle reaps of ${identities.join(', ')}\n${lifecycleLines(rig).join('\n')}`,
      scaled(90_000),
      250,
    );
  } finally {
    daemon.child.kill('SIGTERM');
    await daemon.exit;
  }
}

export function describeResume(cli: AgentCli): void {
  describe.skipIf(!agentsToTest())(`two ${cli} peers in one directory`, () => {
    let rig: AgentRig;

    beforeAll(async () => {
      rig = await startRig(cli);
    });

    afterAll(async () => {
      await rig?.close();
    });

    it('each wakes into its own conversation after both were reaped idle', async () => {
      const [a, b] = [rig.identity, `${cli}-b`];
      ok(await rig.run(['add', 'a', '--runtime', cli, '--cwd', rig.cwd, '--idle-timeout', '3']), 'add a');
      ok(await rig.run(['add', 'b', '--runtime', cli, '--cwd', rig.cwd, '--idle-timeout', '3']), 'add b');

      const aOne = await rig.send('message from a, before the reap', 'a');
      expect(aOne.outcome).toBe('woken-delivered');
      await waitForConversation(rig.api, [aOne.text], scaled(60_000));
      const bOne = await rig.send('message from b, before the reap', 'b');
      expect(bOne.outcome).toBe('woken-delivered');
      await waitForConversation(rig.api, [bOne.text], scaled(60_000));
      // Codex reports its id in its first hook, after the first prompt; Claude takes the one iapeer gives it.
      const aId = await waitFor(() => sessionIdOf(rig, a), `${a}'s session id`, scaled(30_000), 250);
      const bId = await waitFor(() => sessionIdOf(rig, b), `${b}'s session id`, scaled(30_000), 250);
      expect(aId).not.toBe(bId);

      // b was used last: "the most recent conversation in the directory" is b's, for both.
      await reapBothIdle(rig, [a, b]);

      const aTwo = await rig.send('message to a, after the wake', 'a');
      expect(aTwo.outcome).toBe('woken-delivered');
      const seenByA = await waitForConversation(rig.api, [aTwo.text], scaled(60_000));
      expect(seenByA.some((text) => text.includes(aOne.text))).toBe(true);
      expect(seenByA.join('\n')).not.toContain(bOne.id);

      const bTwo = await rig.send('message to b, after the wake', 'b');
      expect(bTwo.outcome).toBe('woken-delivered');
      const seenByB = await waitForConversation(rig.api, [bTwo.text], scaled(60_000));
      expect(seenByB.some((text) => text.includes(bOne.text))).toBe(true);
      expect(seenByB.join('\n')).not.toContain(aOne.id);

      const wakes = lifecycleLines(rig).filter((line) => line.includes(' ev=wake '));
      expect(wakes.filter((line) => line.includes(' mode=resume '))).toEqual([
        expect.stringMatching(new RegExp(` ev=wake personality=a runtime=${cli} mode=resume cause=idle-reaped session=${aId}$`)),
        expect.stringMatching(new RegExp(` ev=wake personality=b runtime=${cli} mode=resume cause=idle-reaped session=${bId}$`)),
      ]);
      expect(await sessionIdOf(rig, a)).toBe(aId);
      expect(await sessionIdOf(rig, b)).toBe(bId);
    });
  });
}
