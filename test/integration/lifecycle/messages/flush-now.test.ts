import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { expectOk } from '../../../helpers/fleet.js';
import { addPeer, expectedText, messagesOf, sendJson } from '../../../fixtures/messages.js';

const home = useHome();

/** A message for bob, who is down, and one for carl, who is stopped: a flush can deliver only bob's. */
async function twoWaiting(): Promise<{ bobCwd: string; forBob: string; forCarl: string }> {
  const bobCwd = await addPeer(home, 'bob');
  await addPeer(home, 'carl');
  const forBob = (await sendJson(home, ['bob', '--message', 'for bob', '--no-wake'])).id;
  const forCarl = (await sendJson(home, ['carl', '--message', 'for carl', '--no-wake'])).id;
  expectOk(await home.run(['stop', 'carl']));
  return { bobCwd, forBob, forCarl };
}

describe('queue --flush says what it delivered, and what is left', () => {
  it('as text: one line per delivered message, then the table of those still waiting', async () => {
    const { bobCwd, forBob, forCarl } = await twoWaiting();
    const flushed = await home.run(['queue', '--flush']);
    expectOk(flushed);
    const lines = flushed.stdout.split('\n');
    expect(lines[0]).toBe(`${forBob}: woke and delivered to demo-bob`);
    expect(lines[1]).toMatch(/^ID +IDENTITY +FROM/);
    expect(lines[2]).toMatch(new RegExp(`^${forCarl} +demo-carl +operator .* waiting`));
    expect(lines.slice(3)).toEqual(['']);
    expect(await messagesOf(bobCwd)).toEqual([expectedText(forBob, 'for bob')]);

    expectOk(await home.run(['start', 'carl']));
    const again = await home.run(['queue', '--flush']);
    expect(again).toMatchObject({ code: 0, stdout: `${forCarl}: delivered to demo-carl\nno messages left waiting\n`, stderr: '' });
    expect(await home.run(['queue', '--flush'])).toMatchObject({ code: 0, stdout: 'no messages waiting\n' });
  });

  it('as JSON: {delivered: [{id, identity, outcome}], forwarded: [], left: [the rows of queue --json]}', async () => {
    const { forBob, forCarl } = await twoWaiting();
    const flushed = await home.run(['queue', '--flush', '--json']);
    expectOk(flushed);
    expect(JSON.parse(flushed.stdout)).toEqual({
      delivered: [{ id: forBob, identity: 'demo-bob', outcome: 'woken-delivered' }],
      forwarded: [],
      left: [expect.objectContaining({ id: forCarl, identity: 'demo-carl', state: 'waiting' })],
    });
  });
});
