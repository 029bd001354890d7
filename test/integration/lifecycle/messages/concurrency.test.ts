// Concurrent sends: to one peer they take turns (a paste, its Enter and its check belong
// together), to different peers they go side by side; every message arrives whole, once.
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, expectedText, livePeer, messagesOf, queuedFiles, sendJson } from '../../../fixtures/messages.js';

function bodyOf(sender: number): string {
  return Array.from({ length: 30 }, (_, line) => `sender ${sender} line ${line} ${'x'.repeat(line * 3)}`).join('\n');
}

describe('concurrent sends', () => {
  const home = useHome();

  it('8 at once to one live peer: no interleaving, each arrives once', async () => {
    const cwd = await livePeer(home, 'bob');
    const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => sendJson(home, ['bob', '--message', bodyOf(i)])));
    for (const result of sent) expect(result.outcome).toBe('delivered');
    const expected = sent.map((result, i) => expectedText(result.id, bodyOf(i)));
    const received = await messagesOf(cwd);
    expect(received).toHaveLength(8);
    expect([...received].sort()).toEqual([...expected].sort());
    // FIFO: the queue hands them over in id order, whoever flushed them.
    expect(received).toEqual([...expected].sort((a, b) => idOf(a).localeCompare(idOf(b))));
    expect(await queuedFiles(home)).toEqual([]);
  });

  it('8 at once to eight down peers: each is woken and gets its message once', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const cwds = await Promise.all(names.map((name) => addPeer(home, name)));
    const sent = await Promise.all(names.map((name, i) => sendJson(home, [name, '--message', bodyOf(i)])));
    for (const [i, result] of sent.entries()) {
      expect(result.outcome).toBe('woken-delivered');
      expect(await messagesOf(cwds[i] as string)).toEqual([expectedText(result.id, bodyOf(i))]);
    }
    expect(await queuedFiles(home)).toEqual([]);
  });
});

function idOf(text: string): string {
  return /id=([^\]]+)\]/.exec(text)?.[1] ?? '';
}
