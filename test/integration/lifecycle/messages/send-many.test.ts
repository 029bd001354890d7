// send to several targets and send --all, through the built CLI, on real tmux and the demo
// agent: each target gets its own message once, in parallel; one refusal does not stop the
// others but makes the exit code 1; bad input or an unknown target changes nothing.
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { type SendOutcome, addPeer, expectedText, lifecycleLog, livePeer, messagesOf, queuedFiles, writeDemoRuntimes } from '../../../fixtures/messages.js';

describe('send to several targets', () => {
  const home = useHome();

  it('each target its own id and outcome; a stopped one refused on stderr, exit 1, the others delivered', async () => {
    const ann = await livePeer(home, 'ann');
    const ben = await addPeer(home, 'ben');
    await livePeer(home, 'cy');
    expect((await home.run(['stop', 'cy'])).code).toBe(0);
    const result = await home.run(['send', 'ann', 'ben', 'cy', '--message', 'to the three of you', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('iapeer: send: demo-cy is stopped: nothing was sent or queued; start it first: iapeer start cy demo\n');
    const sent = JSON.parse(result.stdout) as SendOutcome[];
    expect(sent.map(({ target, identity, outcome }) => [target, identity, outcome])).toEqual([
      ['ann', 'demo-ann', 'delivered'],
      ['ben', 'demo-ben', 'woken-delivered'],
    ]);
    expect(new Set(sent.map((one) => one.id)).size).toBe(2);
    expect(await messagesOf(ann)).toEqual([expectedText(sent[0]?.id ?? '', 'to the three of you')]);
    expect(await messagesOf(ben)).toEqual([expectedText(sent[1]?.id ?? '', 'to the three of you')]);
    expect(await queuedFiles(home)).toEqual([]);

    // Without --json: one line per message; all delivered is exit 0.
    const text = await home.run(['send', 'ann', 'ben', '--message', 'again']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^\S+: delivered to demo-ann\n\S+: delivered to demo-ben\n$/);
  });

  it('a target named twice, or by peer and identity, gets it once; --all is every peer but the sender', async () => {
    const ann = await livePeer(home, 'ann');
    const ben = await livePeer(home, 'ben');
    const cal = await addPeer(home, 'cal');
    const twice = await home.run(['send', 'ann', 'demo-ann', 'ann', '--message', 'once only', '--json']);
    expect(twice.code, twice.stderr).toBe(0);
    expect((JSON.parse(twice.stdout) as SendOutcome[]).map((one) => one.identity)).toEqual(['demo-ann']);
    expect(await messagesOf(ann)).toHaveLength(1);

    const all = await home.run(['send', '--all', '--from', 'demo-ann', '--message', 'to everyone', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const sent = JSON.parse(all.stdout) as SendOutcome[];
    expect(sent.map((one) => [one.target, one.outcome])).toEqual([
      ['ben', 'delivered'],
      ['cal', 'woken-delivered'],
    ]);
    expect(await messagesOf(ann)).toHaveLength(1);
    expect(await messagesOf(ben)).toEqual([expectedText(sent[0]?.id ?? '', 'to everyone', 'demo-ann')]);
    expect(await messagesOf(cal)).toEqual([expectedText(sent[1]?.id ?? '', 'to everyone', 'demo-ann')]);
  });

  it('different targets are delivered to in parallel: both wake before either is delivered to', async () => {
    // Its readiness gate holds each wake for well over a second.
    await writeDemoRuntimes(home, { slowmount: ['--mount-ms', '1500'] });
    const dee = await addPeer(home, 'dee', 'slowmount');
    const eve = await addPeer(home, 'eve', 'slowmount');
    const result = await home.run(['send', 'dee', 'eve', '--message', 'wake up, both', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as SendOutcome[]).map((one) => one.outcome)).toEqual(['woken-delivered', 'woken-delivered']);
    const events = (await lifecycleLog(home)).split('\n').filter((line) => / ev=(wake|deliver) /.test(line)).map((line) => / ev=(\w+) /.exec(line)?.[1]);
    expect(events).toEqual(['wake', 'wake', 'deliver', 'deliver']);
    expect(await messagesOf(dee)).toHaveLength(1);
    expect(await messagesOf(eve)).toHaveLength(1);
  });

  it('bad input, an unknown target or no target: exit 2, one line, nothing queued or pasted', async () => {
    const ann = await livePeer(home, 'ann');
    await addPeer(home, 'ben');
    const cases: ReadonlyArray<readonly [string[], RegExp]> = [
      [['ann', 'nobody', '--message', 'x'], /no peer or identity named "nobody"/],
      [['ann', 'ben', '--message', 'x', '--topic', 'has space'], /invalid topic/],
      [['ann', 'ben'], /give exactly one of --message/],
      [['ann', '--all', '--message', 'x'], /give targets or --all, not both/],
      [['--message', 'x'], /name a target .* or use --all/],
      [['--all', '--message', 'x', '--from', 'claude-nobody'], /from "claude-nobody" is not a registered identity/],
      [['ben', 'ann', '--message', 'x', '--from', 'demo-ann'], /demo-ann is the sender and the target: a peer cannot message itself/],
      [['ann', 'ben', '--message', '  '], /empty/],
    ];
    for (const [args, says] of cases) expectError(await home.run(['send', ...args]), 2, 'send', says);
    expect(await queuedFiles(home)).toEqual([]);
    expect(await messagesOf(ann)).toEqual([]);
    expect(await lifecycleLog(home)).not.toMatch(/ ev=deliver /);
  });

  it('--all with no other peer is refused: exit 1', async () => {
    await addPeer(home, 'solo');
    expectError(await home.run(['send', '--all', '--from', 'demo-solo', '--message', 'anyone?']), 1, 'send', /there is no other peer to send to/);
    expect(await queuedFiles(home)).toEqual([]);
  });
});
