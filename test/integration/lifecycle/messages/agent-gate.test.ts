// Deliveries to a runtime whose hooks report what it does (the demo's, here): a message waits
// for a running turn to end instead of being pasted into it, is never pasted into a dialog
// waiting on a human (queued, logged waiting-input, out once after `iapeer interrupt`), and is
// confirmed by the runtime's own report of its id.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TestHome, tmux, waitFor } from '../../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { expectOk } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectedText, lifecycleLog, livePeer, messagesOf, screenOf, sendJson, socketOf } from '../../../fixtures/messages.js';

async function eventLines(home: TestHome, identity: string): Promise<string[]> {
  return (await readFile(join(home.home, 'state', identity, 'events'), 'utf8')).split('\n').filter((line) => line !== '');
}

function deliverLines(log: string, id: string): string[] {
  return log.split('\n').filter((line) => line.includes(` ev=deliver `) && line.includes(` id=${id} `));
}

describe('delivery gated by the agent’s own events', () => {
  const home = useHome();

  it(
    'waits for the running turn to end, then pastes: confirmed by the hook, after the Stop',
    async () => {
      const cwd = await livePeer(home, 'gus');
      expect((await sendJson(home, ['gus', '--message', 'warm up'])).outcome).toBe('delivered');
      // A shell command keeps the demo in a turn (UserPromptSubmit now, Stop when it ends).
      tmux(socketOf(home, 'demo-gus'), ['send-keys', '-t', '%0', '-l', '!sleep 2']);
      tmux(socketOf(home, 'demo-gus'), ['send-keys', '-t', '%0', 'Enter']);
      await waitFor(async () => (await eventLines(home, 'demo-gus')).some((line) => line.startsWith('UserPromptSubmit ') && line.includes('!sleep 2')), 'the turn to start', scaled(10_000), 50);
      const sent = await sendJson(home, ['gus', '--message', 'after the turn']);
      expect(sent.outcome).toBe('delivered');
      const lines = await eventLines(home, 'demo-gus');
      const stop = lines.findIndex((line, index) => index > lines.findIndex((l) => l.includes('!sleep 2')) && line.startsWith('Stop '));
      const submit = lines.findIndex((line) => line.startsWith('UserPromptSubmit ') && line.includes(`id=${sent.id}]`));
      expect(stop).toBeGreaterThan(-1);
      expect(submit).toBeGreaterThan(stop);
      expect(deliverLines(await lifecycleLog(home), sent.id)).toEqual([expect.stringMatching(/ outcome=delivered confirmed=hook$/)]);
      expect((await messagesOf(cwd)).filter((text) => text === expectedText(sent.id, 'after the turn'))).toHaveLength(1);
    },
    testTimeoutFor(60_000),
  );

  it(
    'never pastes into a dialog: queued, logged waiting-input; after iapeer interrupt it goes out once',
    async () => {
      const cwd = await livePeer(home, 'ida');
      // The demo's permission dialog: hooks report it (PermissionRequest, Notification), the prompt is gone.
      tmux(socketOf(home, 'demo-ida'), ['send-keys', '-t', '%0', '-l', '/ask may I run it?']);
      tmux(socketOf(home, 'demo-ida'), ['send-keys', '-t', '%0', 'Enter']);
      await waitFor(() => screenOf(home, 'demo-ida').includes('? may I run it?'), 'the dialog', scaled(10_000), 50);
      await waitFor(async () => (await eventLines(home, 'demo-ida')).some((line) => line.startsWith('Notification ')), 'the dialog to be reported', scaled(10_000), 50);
      const held = await sendJson(home, ['ida', '--message', 'not into the dialog']);
      expect(held.outcome).toBe('queued');
      expect(screenOf(home, 'demo-ida')).not.toContain(held.id);
      expect(deliverLines(await lifecycleLog(home), held.id)).toEqual(expect.arrayContaining([expect.stringMatching(/ outcome=waiting-input confirmed=none$/)]));
      expect((await home.run(['queue', '--json'])).stdout).toContain(held.id);

      expectOk(await home.run(['interrupt', 'ida']));
      expectOk(await home.run(['queue', '--flush']));
      expect(deliverLines(await lifecycleLog(home), held.id).at(-1)).toMatch(/ outcome=delivered confirmed=hook$/);
      expect((await messagesOf(cwd)).filter((text) => text === expectedText(held.id, 'not into the dialog'))).toHaveLength(1);
      expect((await home.run(['queue', '--json'])).stdout.trim()).toBe('[]');
    },
    testTimeoutFor(60_000),
  );
});
