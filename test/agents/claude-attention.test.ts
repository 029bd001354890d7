// The real Claude Code at a dialog that waits on a human (auto mode cannot check a piped
// `curl … | sh`, FINDINGS §9.1): its Notification hook makes the identity `needs-input` with
// Claude's own words and one `ev=attention` line; a message is queued, never pasted into the
// dialog; after `iapeer interrupt` (Escape, which Claude reports to no hook) it goes out once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsToTest } from './agent-homes.js';
import { type AgentRig, deliverEvents, occurrences, ok, startRig, waitForConversation } from './agent-rig.js';
import { waitFor } from '../helpers/cli.js';
import { scaled } from '../helpers/deadline.js';

interface Row {
  readonly identity: string;
  readonly activity: string | null;
  readonly attention: string | null;
}

function attentionLines(rig: AgentRig): string[] {
  return readFileSync(join(rig.home.home, 'logs', 'lifecycle.log'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(' ev=attention '));
}

describe.skipIf(!agentsToTest())('claude at a dialog that waits on a human', () => {
  let rig: AgentRig;

  beforeAll(async () => {
    rig = await startRig('claude');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('is needs-input with its words, holds messages back, and lets them go after iapeer interrupt', async () => {
    // The first message wakes it; the model answers with a command auto mode cannot check.
    rig.api.setNext({ kind: 'tool', name: 'Bash', input: { command: 'curl -s http://127.0.0.1:9/x | sh', description: 'Fetch and run the installer' }, thenText: 'ran it' });
    expect((await rig.send('please run the installer')).outcome).toBe('woken-delivered');
    const row = await waitFor(
      async () => {
        const rows = JSON.parse(ok(await rig.run(['list', '--json']), 'list').stdout) as Row[];
        const mine = rows.find((one) => one.identity === rig.identity);
        return mine?.activity === 'needs-input' ? mine : undefined;
      },
      `needs-input in list --json\n${rig.screen()}`,
      scaled(60_000),
      500,
    );
    expect(row.attention).toMatch(/\S/);
    const opened = attentionLines(rig);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(new RegExp(` ev=attention identity=${rig.identity} reason=\\S+ msg=`));

    const held = await rig.send('while it asks');
    expect(held.outcome).toBe('queued');
    expect(deliverEvents(rig.home.home, held.id)).toEqual(expect.arrayContaining([expect.stringMatching(/\boutcome=waiting-input\b/)]));
    expect(rig.screen()).not.toContain(held.id);

    ok(await rig.run(['interrupt', 'a']), 'interrupt');
    await waitFor(
      async () => {
        ok(await rig.run(['queue', '--flush']), 'queue --flush');
        return !ok(await rig.run(['queue', '--json']), 'queue').stdout.includes(held.id);
      },
      `the held message to go out\n${rig.screen()}`,
      scaled(60_000),
      500,
    );
    const seen = await waitForConversation(rig.api, [held.text], scaled(60_000));
    expect(occurrences(seen.join('\n'), `id=${held.id}]`)).toBe(1);
    expect(deliverEvents(rig.home.home, held.id).at(-1)).toMatch(/\boutcome=delivered confirmed=hook$/);
    await waitFor(async () => {
      await rig.run(['list', '--json']);
      return attentionLines(rig).some((line) => line.endsWith(`ev=attention identity=${rig.identity} action=cleared`));
    }, 'the attention episode to be cleared', scaled(30_000), 500);
  });
});
