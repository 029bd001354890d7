// What real agents do to a paste, reproduced by the demo agent: input lost while the
// program mounts, the first Enter swallowed, a pane left in copy mode, an operator's
// half-typed draft. Each message must still arrive exactly once, and a draft is never touched.
import { describe, expect, it } from 'vitest';
import { type TestHome, tmux, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { spawnFixture } from '../../../helpers/fixtures.js';
import { addPeer, expectedText, livePeer, messagesOf, queuedFiles, screenOf, sendJson, socketOf, writeDemoRuntimes } from '../../../fixtures/messages.js';

async function flushOnce(home: TestHome): Promise<{ delivered: string[]; waiting: Record<string, string> }> {
  const flush = spawnFixture('flush-queue', [home.home]);
  const { code } = await flush.exit;
  expect(code, flush.stderr).toBe(0);
  const last = flush.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as { delivered: string[]; waiting: Record<string, string> };
}

describe('delivery hazards', () => {
  const home = useHome();

  it('a message that wakes an agent still mounting (input lost for 1.5 s) arrives once', async () => {
    await writeDemoRuntimes(home, { slowmount: ['--mount-ms', '1500'] });
    const cwd = await addPeer(home, 'mia', 'slowmount');
    const sent = await sendJson(home, ['mia', '--message', 'sent at wake time\nsecond line']);
    expect(sent.outcome).toBe('woken-delivered');
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'sent at wake time\nsecond line')]);
    expect(await queuedFiles(home)).toEqual([]);
  });

  it('a message to an agent that swallows its first Enter arrives once', async () => {
    await writeDemoRuntimes(home, { dropenter: ['--drop-enters', '1'] });
    const cwd = await addPeer(home, 'dan', 'dropenter');
    const sent = await sendJson(home, ['dan', '--message', 'needs a second Enter']);
    expect(sent.outcome).toBe('woken-delivered');
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'needs a second Enter')]);
    // Nothing else was submitted by the extra Enter presses (an empty Enter records nothing).
    const next = await sendJson(home, ['dan', '--message', 'and the next one']);
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'needs a second Enter'), expectedText(next.id, 'and the next one')]);
  });

  it('a pane left in copy mode gets the message once, and leaves copy mode', async () => {
    const cwd = await livePeer(home, 'cora');
    const socket = socketOf(home, 'demo-cora');
    tmux(socket, ['copy-mode', '-t', '%0']);
    expect(tmux(socket, ['display-message', '-p', '-t', '%0', '#{pane_in_mode}']).stdout.trim()).toBe('1');
    const sent = await sendJson(home, ['cora', '--message', 'through copy mode']);
    expect(sent.outcome).toBe('delivered');
    expect(await messagesOf(cwd)).toEqual([expectedText(sent.id, 'through copy mode')]);
    expect(tmux(socket, ['display-message', '-p', '-t', '%0', '#{pane_in_mode}']).stdout.trim()).toBe('0');
  });

  it('never pastes into an operator draft: the message waits, then arrives once after the draft is gone', async () => {
    const cwd = await livePeer(home, 'otto');
    const socket = socketOf(home, 'demo-otto');
    tmux(socket, ['send-keys', '-l', '-t', '%0', 'half typed']);
    await waitFor(() => screenOf(home, 'demo-otto').includes('demo> half typed'), 'the draft on screen');

    const sent = await sendJson(home, ['otto', '--message', 'wait for the draft']);
    expect(sent.outcome).toBe('queued');
    // The draft is intact and nothing was submitted.
    expect(screenOf(home, 'demo-otto')).toMatch(/^demo> half typed\s*$/m);
    expect(await messagesOf(cwd)).toEqual([]);
    expect(await queuedFiles(home)).toEqual([`demo-otto/${sent.id}.json`]);
    const listed = await home.run(['queue', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: sent.id, identity: 'demo-otto', state: 'waiting', note: 'a draft is in the composer' })]);

    // A flush while the draft is still there changes nothing.
    expect((await flushOnce(home)).waiting).toEqual({ 'demo-otto': 'a draft is in the composer' });
    expect(screenOf(home, 'demo-otto')).toMatch(/^demo> half typed\s*$/m);

    // The operator submits the draft; the next flush delivers the message, once.
    tmux(socket, ['send-keys', '-t', '%0', 'Enter']);
    await waitFor(async () => (await messagesOf(cwd)).length === 1, 'the draft submitted');
    expect((await flushOnce(home)).delivered).toEqual([sent.id]);
    expect(await messagesOf(cwd)).toEqual(['half typed', expectedText(sent.id, 'wait for the draft')]);
    expect(await flushOnce(home)).toEqual({ delivered: [], waiting: {} });
    expect(await messagesOf(cwd)).toHaveLength(2);
    expect(await queuedFiles(home)).toEqual([]);
  });
});
