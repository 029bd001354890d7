import { beforeEach, describe, expect, it } from 'vitest';
import { expectError, serverUp } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, queuedFiles } from '../../../fixtures/messages.js';

const home = useHome();

beforeEach(async () => {
  await addPeer(home, 'a');
  await addPeer(home, 'b');
});

describe('send refuses what a peer cannot mean', () => {
  it('a peer messaging itself: exit 2 saying why, whether it names itself in --from or runs inside its session', async () => {
    const named = await home.run(['send', 'demo-a', '--from', 'demo-a', '--message', 'note to self']);
    expectError(named, 2, 'send', /^iapeer: send: demo-a is the sender and the target: a peer cannot message itself \(it would land in its own prompt\); name another peer$/);

    // Inside its session PEER_IDENTITY is the sender, by its peer name as by its identity.
    for (const target of ['a', 'demo-a']) {
      const inside = await home.run(['send', target, '--message', 'note to self'], { env: { PEER_IDENTITY: 'demo-a' } });
      expectError(inside, 2, 'send', /^iapeer: send: demo-a is the sender \(PEER_IDENTITY, the session this runs in\) and the target: a peer cannot message itself .*; name another peer, or send it from operator$/);
    }
    expect(await queuedFiles(home)).toEqual([]);
    expect(serverUp(home, 'demo-a')).toBe(false);

    // From the operator, inside that session, it goes.
    const asOperator = await home.run(['send', 'a', '--from', 'operator', '--message', 'from the operator', '--no-wake', '--json'], { env: { PEER_IDENTITY: 'demo-a' } });
    expect(asOperator.code, asOperator.stderr).toBe(0);
    expect(JSON.parse(asOperator.stdout)).toMatchObject({ identity: 'demo-a', outcome: 'queued' });
    expect(await queuedFiles(home)).toHaveLength(1);
  });

  it('a missing attachment is named without repeating the option', async () => {
    const result = await home.run(['send', 'b', '--message', 'x', '--attachment', 'no-such-file']);
    expectError(result, 2, 'send', /^iapeer: send: attachment "no-such-file": no such file or directory$/);
    expect(await queuedFiles(home)).toEqual([]);
  });
});
