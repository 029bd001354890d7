// How deliveries are verified on real tmux, with the line-based fixture agent
// (test/fixtures/line-agent.mjs): the README's runtimes.json example judged where the composer
// is, a runtime with only `ready` verified by the cursor's line, and one where nothing can be told.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, type TestHome, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, expectedText, lifecycleLog, queuedFiles, screenOf, sendJson } from '../../../fixtures/messages.js';

const LINE_AGENT = join(REPO, 'test', 'fixtures', 'line-agent.mjs');

interface LineEntry {
  readonly kind: 'enter' | 'dropped-enter';
  readonly text?: string;
}

async function linesOf(cwd: string): Promise<LineEntry[]> {
  const text = await readFile(join(cwd, '.iapeer-line', 'transcript.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LineEntry);
}

/** A runtimes.json whose runtimes run the line agent with the given flags and settings. */
async function writeLineRuntimes(home: TestHome, runtimes: Record<string, { flags: readonly string[]; knobs: Record<string, unknown> }>): Promise<void> {
  const defs = Object.fromEntries(Object.entries(runtimes).map(([name, { flags, knobs }]) => [name, { fresh: [process.execPath, LINE_AGENT, ...flags], ...knobs }]));
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: defs }), { mode: 0o600 });
}

/** The README's runtimes.json example, as its delivery knobs. */
const README_KNOBS = { ready: '^> ', composer: '^> \\S', busy: 'esc to interrupt', settleMs: 200, enterRetries: 3 };

function deliverLine(log: string, id: string): string | undefined {
  return log.split('\n').find((line) => line.includes(' ev=deliver ') && line.includes(` id=${id} `));
}

describe('delivery verification', () => {
  const home = useHome();

  it("the README's runtimes.json example on a line-based agent: each message delivered at once, one Enter each", async () => {
    await writeLineRuntimes(home, { line: { flags: [], knobs: README_KNOBS } });
    const cwd = await addPeer(home, 'lena', 'line');
    const first = await sendJson(home, ['lena', '--message', 'single line']);
    expect(first.outcome).toBe('woken-delivered');
    // Its history now holds `> single line` twice (the example, and what it said back).
    await waitFor(() => screenOf(home, 'line-lena').includes('got 2 line(s)'), 'the answer to the first message');
    const second = await sendJson(home, ['lena', '--message', 'single line']);
    expect(second.outcome).toBe('delivered');
    // One Enter each: an extra one would be an `enter` with empty text.
    expect(await linesOf(cwd)).toEqual([
      { kind: 'enter', text: expectedText(first.id, 'single line') },
      { kind: 'enter', text: expectedText(second.id, 'single line') },
    ]);
    expect(await queuedFiles(home)).toEqual([]);
    const log = await lifecycleLog(home);
    expect(deliverLine(log, first.id)).toMatch(/ outcome=woken-delivered confirmed=screen$/);
    expect(deliverLine(log, second.id)).toMatch(/ outcome=delivered confirmed=screen$/);
  });

  it('a runtime with only `ready` whose agent drops the first Enter: the message arrives once, confirmed by the cursor line', async () => {
    await writeLineRuntimes(home, { bare: { flags: ['--drop-enters', '1'], knobs: { ready: '^> ' } } });
    const cwd = await addPeer(home, 'cuno', 'bare');
    const sent = await sendJson(home, ['cuno', '--message', 'needs a second Enter\nand has two lines']);
    expect(sent.outcome).toBe('woken-delivered');
    expect(await linesOf(cwd)).toEqual([{ kind: 'dropped-enter' }, { kind: 'enter', text: expectedText(sent.id, 'needs a second Enter\nand has two lines') }]);
    // Not left in the composer: the prompt is empty again.
    expect(screenOf(home, 'bare-cuno')).toMatch(/^> *\n(?: *\n)*$/m);
    expect(deliverLine(await lifecycleLog(home), sent.id)).toMatch(/ outcome=woken-delivered confirmed=cursor$/);
    const next = await sendJson(home, ['cuno', '--message', 'the next one']);
    expect(next.outcome).toBe('delivered');
    expect((await linesOf(cwd)).map((entry) => entry.kind)).toEqual(['dropped-enter', 'enter', 'enter']);
  });

  it('an agent where nothing can be verified (no echo): unverified, exit 0, logged with confirmed=none', async () => {
    await writeLineRuntimes(home, { mute: { flags: ['--no-echo'], knobs: { ready: '^> ' } } });
    const cwd = await addPeer(home, 'muta', 'mute');
    const sent = await sendJson(home, ['muta', '--message', 'into the void']);
    expect(sent.outcome).toBe('unverified');
    // One Enter, the message once, and nothing left in the queue to be pasted again.
    expect(await linesOf(cwd)).toEqual([{ kind: 'enter', text: expectedText(sent.id, 'into the void') }]);
    expect(await queuedFiles(home)).toEqual([]);
    expect(deliverLine(await lifecycleLog(home), sent.id)).toMatch(/ outcome=unverified confirmed=none$/);
    const told = await home.run(['send', 'muta', '--message', 'and again']);
    expect(told.code, told.stderr).toBe(0);
    expect(told.stdout).toMatch(/: submitted to mute-muta, unverified: nothing on its screen could confirm it arrived\n$/);
  });
});
