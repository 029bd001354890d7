// The checks run against each real agent CLI, one peer per CLI shared by the tests of its
// file in order: messages wake it and reach the model once each, in order; a message sent
// while it works is delivered once; its MCP tool reaches another peer; and the built-in
// runtime's screen patterns say what its screen shows.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRuntimes } from '../../src/runtimes/builtin-runtimes.js';
import type { Runtime } from '../../src/runtimes/runtime.js';
import { anyLineMatches, composerState, showsBusy } from '../../src/transport/screen/composer.js';
import { agentsToTest } from './agent-homes.js';
import { type AgentCli, type AgentRig, type Sent, deliverEvents, demoTranscript, occurrences, ok, startRig, waitForConversation } from './agent-rig.js';
import { waitFor } from '../helpers/cli.js';
import { scaled } from '../helpers/deadline.js';

/** Bodies of the 12 messages: one-liners and multi-line ones, quotes and tabs included. */
export const BODIES = [
  'first message: wake up',
  'second message',
  'third\nhas two lines',
  'fourth with "quotes" and \'apostrophes\' and $(not a command)',
  'fifth\n\nwith a blank line\nand\ta tab',
  'sixth',
  'seventh: a list\n- one\n- two\n- three',
  'eighth ✓ unicode ünïcødé',
  'ninth',
  'tenth\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12',
  'eleventh',
  'twelfth and last',
];

function runtimeOf(cli: AgentCli): Runtime {
  const runtime = builtinRuntimes(process.execPath).find((r) => r.name === cli);
  if (!runtime) throw new Error(`no built-in runtime ${cli}`);
  return runtime;
}

/** The MCP tool call the fake model makes to send `message` to `to`, as each CLI names it. */
function sendToPeerCall(cli: AgentCli, to: string, message: string) {
  const input = { to, message };
  return cli === 'claude'
    ? { kind: 'tool' as const, name: 'mcp__iapeer__send_to_peer', input, thenText: 'sent it' }
    : { kind: 'tool' as const, name: 'send_to_peer', namespace: 'mcp__iapeer', input, thenText: 'sent it' };
}

/**
 * What the model receives of a message: Claude Code turns each tab of a paste into four
 * spaces; Codex CLI keeps it (at the versions of src/runtimes/agent-versions.ts).
 */
function asReceived(cli: AgentCli, text: string): string {
  return cli === 'claude' ? text.replace(/\t/g, '    ') : text;
}

export function describeAgent(cli: AgentCli): void {
  const runtime = runtimeOf(cli);
  const knobs = { ready: runtime.ready, composer: runtime.composer, composerEmpty: runtime.composerEmpty };

  // Throws under CI when the CLIs are missing: the file then fails instead of skipping.
  describe.skipIf(!agentsToTest())(`${cli} driven by iapeer`, () => {
    let rig: AgentRig;
    const demoDirs: string[] = [];

    beforeAll(async () => {
      rig = await startRig(cli);
    });

    afterAll(async () => {
      await rig?.close();
      for (const dir of demoDirs) rmSync(dir, { recursive: true, force: true });
    });

    it('delivers 12 messages, the first waking it, each seen by the model once and in order', async () => {
      const sent: Sent[] = [];
      for (const body of BODIES) sent.push(await rig.send(body));
      expect(sent.map((s) => s.outcome)).toEqual(['woken-delivered', ...BODIES.slice(1).map(() => 'delivered')]);
      const texts = sent.map((s) => asReceived(cli, s.text));
      const seen = await waitForConversation(rig.api, texts, scaled(60_000));
      const all = seen.join('\n');
      for (const s of sent) expect(occurrences(all, `id=${s.id}]`), s.text).toBe(1);
      const order = texts.map((t) => all.indexOf(t));
      expect(order).toEqual([...order].sort((x, y) => x - y));
      // Nothing else reached the conversation (however the CLI grouped the turns).
      expect(texts.reduce((rest, t) => rest.replace(t, ''), all).trim()).toBe('');
      expect(ok(await rig.run(['queue', '--json']), 'queue').stdout).not.toContain(sent[0]?.id ?? '-');
      // Each confirmed by the agent's own report of its id (UserPromptSubmit), not by its screen.
      for (const s of sent) expect(deliverEvents(rig.home.home, s.id)).toEqual([expect.stringMatching(/\boutcome=(woken-)?delivered confirmed=hook$/)]);
    });

    it('never pastes into a running turn: a message sent while the model works waits, then goes out once, a prompt of its own', async () => {
      rig.api.setNext({ kind: 'text', text: 'done with the slow one', delayMs: 12_000 });
      const slow = await rig.send('a slow task');
      expect(slow.outcome).toBe('delivered');
      await waitFor(() => rig.api.inFlight() > 0 && rig.api.conversation().some((t) => t.includes(slow.text)), 'the slow turn to start', scaled(30_000), 100);
      // The agent's own events say it is busy.
      const rows = JSON.parse(ok(await rig.run(['list', '--json']), 'list').stdout) as Array<{ identity: string; activity: string }>;
      expect(rows.find((row) => row.identity === rig.identity)?.activity).toBe('busy');
      // Pasted into the turn, the agent would fold it into the slow one's prompt (FINDINGS §9.1): it waits instead.
      const during = await rig.send('sent while busy\nsecond line');
      expect(during.outcome).toBe('queued');
      expect(deliverEvents(rig.home.home, during.id)).toEqual(expect.arrayContaining([expect.stringMatching(/\boutcome=waiting-busy\b/)]));
      await waitFor(() => rig.api.inFlight() === 0, 'the slow turn to end', scaled(60_000), 200);
      await waitFor(
        async () => {
          ok(await rig.run(['queue', '--flush']), 'queue --flush');
          return !ok(await rig.run(['queue', '--json']), 'queue').stdout.includes(during.id);
        },
        'the waiting message to go out',
        scaled(60_000),
        500,
      );
      const seen = await waitForConversation(rig.api, [slow.text, during.text], scaled(60_000));
      const all = seen.join('\n');
      expect(occurrences(all, `id=${slow.id}]`)).toBe(1);
      expect(occurrences(all, `id=${during.id}]`)).toBe(1);
      // A user turn of its own, after the slow one's.
      expect(seen.filter((text) => text.includes(`id=${during.id}]`)).map((text) => occurrences(text, '[iap from='))).toEqual([1]);
      expect(all.indexOf(slow.text)).toBeLessThan(all.indexOf(during.text));
      expect(deliverEvents(rig.home.home, during.id).at(-1)).toMatch(/\boutcome=delivered confirmed=hook$/);
    });

    it('sends to another peer through its iapeer MCP tool', async () => {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), 'iap-demo-b-')));
      demoDirs.push(dir);
      ok(await rig.run(['add', 'b', '--runtime', 'demo', '--cwd', dir]), 'add b');
      rig.api.setNext(sendToPeerCall(cli, 'b', 'hello from a'));
      const ask = await rig.send('please greet b');
      expect(ask.outcome).toBe('delivered');
      const messages = await waitFor(
        () => {
          const got = demoTranscript(dir).filter((e) => e.kind === 'message');
          return got.length > 0 ? got : undefined;
        },
        `b to get a message\n${rig.screen()}`,
        scaled(60_000),
        200,
      );
      await waitFor(() => rig.api.byKind('tool-result').some((r) => r.toolResults.some((t) => t.includes('demo-b'))), 'the tool result', scaled(30_000), 200);
      const again = demoTranscript(dir).filter((e) => e.kind === 'message');
      expect(again).toHaveLength(1);
      expect(messages[0]?.text).toMatch(new RegExp(`^\\[iap from=${rig.identity} `));
      expect(messages[0]?.text).toContain('hello from a');
    });

    it('shows what the built-in patterns say: ready with an empty composer, then a draft that holds a message back', async () => {
      const idle = await waitFor(
        () => {
          const screen = rig.screen();
          return rig.api.inFlight() === 0 && runtime.ready?.test(screen) && !anyLineMatches(runtime.busy ?? /$^/, screen) ? screen : undefined;
        },
        `an idle ready screen\n${rig.screen()}`,
        scaled(30_000),
        100,
      );
      expect(anyLineMatches(runtime.ready ?? /$^/, idle)).toBe(true);
      expect(composerState(idle, knobs)).toBe('empty');
      // Judged where the composer is, from the cursor's line, as delivery judges it.
      const idleLook = await waitFor(() => {
        const seen = rig.look();
        return seen.cursor !== undefined && composerState(seen.screen, knobs, seen.cursor) === 'empty' ? seen : undefined;
      }, `the cursor at an empty composer\n${rig.screen()}`, scaled(10_000), 100);
      expect(runtime.ready?.test(idleLook.screen.split('\n')[idleLook.cursor?.y ?? -1] ?? '')).toBe(true);
      expect(showsBusy(idleLook.screen, { ...knobs, busy: runtime.busy }, idleLook.cursor)).toBe(false);
      rig.type('a draft nobody sent');
      const drafted = await waitFor(() => {
        const screen = rig.screen();
        return screen.includes('a draft nobody sent') && composerState(screen, knobs) === 'holds-text' ? screen : undefined;
      }, `the composer to show the draft\n${rig.screen()}`, scaled(10_000), 100);
      expect(composerState(drafted, knobs)).toBe('holds-text');
      const draftLook = await waitFor(() => {
        const seen = rig.look();
        return seen.cursor !== undefined && composerState(seen.screen, knobs, seen.cursor) === 'holds-text' ? seen : undefined;
      }, `the draft judged from the cursor's line\n${rig.screen()}`, scaled(10_000), 100);
      expect(draftLook.screen.split('\n')[draftLook.cursor?.y ?? -1]).toContain('a draft nobody sent');
      expect(anyLineMatches(runtime.ready ?? /$^/, drafted)).toBe(false);
      // Someone's draft is never pasted into: the message waits in the queue.
      const asked = rig.api.requests.length;
      const held = await rig.send('not into a draft');
      expect(held.outcome).toBe('queued');
      expect(ok(await rig.run(['queue', '--json']), 'queue').stdout).toContain(held.id);
      const after = rig.screen();
      expect(after).toContain('a draft nobody sent');
      expect(after).not.toContain(held.id);
      expect(rig.api.requests.slice(asked).some((r) => r.userTexts.some((t) => t.includes(held.id)))).toBe(false);
    });
  });
}
