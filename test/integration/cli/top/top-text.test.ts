// What `iapeer top` draws, character by character, on real terminals (a tmux server of its
// own): ASCII only without a locale, its UTF-8 marks with one; no colour with NO_COLOR; wide
// characters (emoji in an agent's words) kept inside their line however often it is redrawn.
import { beforeAll, describe, expect, it } from 'vitest';
import { tmux, waitFor } from '../../../helpers/cli.js';
import { scaled } from '../../../helpers/deadline.js';
import { openTerminal, topRowOf, topRows } from '../../../helpers/terminal.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, livePeer, screenOf, socketOf } from '../../../fixtures/messages.js';

const QUESTION = 'deploy 🚀 now ✅?';

/** The parameters of every SGR sequence (`ESC [ … m`) on the screen, each split into its numbers. */
function sgrOf(lines: readonly string[]): number[][] {
  // eslint-disable-next-line no-control-regex -- terminal escape sequences are what is read
  return [...lines.join('\n').matchAll(/\x1b\[([0-9;:]*)m/g)].map((match) => (match[1] ?? '').split(/[;:]/).map(Number));
}

/** Whether an SGR sets a colour: 30–38, 40–48, 90–97, 100–107 (39 and 49 restore the default). */
const setsColour = (params: readonly number[]) => params.some((n) => (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107));

describe('what top draws', () => {
  const home = useHome({ shared: true });

  /** A permission dialog whose words hold emoji, two cells each on the terminal. */
  async function ask(identity: string): Promise<void> {
    expect(tmux(socketOf(home, identity), ['send-keys', '-t', '%0', '-l', `/ask ${QUESTION}`]).ok).toBe(true);
    expect(tmux(socketOf(home, identity), ['send-keys', '-t', '%0', 'Enter']).ok).toBe(true);
    await waitFor(() => screenOf(home, identity).includes('? deploy'), `${identity}’s dialog`, scaled(10_000));
  }

  beforeAll(async () => {
    await livePeer(home, 'fay');
    await ask('demo-fay');
    await addPeer(home, 'ben');
  });

  const ready = (lines: readonly string[]) => topRows(lines).length === 2 && topRowOf(lines, 'demo-fay')?.attention !== undefined;

  it('with no locale at all (nor in the terminal’s tmux server): ASCII only, > marks the selected row', async () => {
    const terminal = openTerminal(home, { env: { LANG: undefined, LC_ALL: undefined, LC_CTYPE: undefined } });
    const screen = await terminal.waitForScreen(ready, 'both rows and fay’s words');
    for (const line of screen) expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(screen.join('\n')).not.toContain('›');
    expect(screen.find((line) => line.includes('fay '))).toMatch(/^>!fay /);
    expect(screen[0]).toMatch(/^iapeer top {2}daemon not running +\d\d:\d\d:\d\d$/);
    expect(screen.at(-1)).toMatch(/^q quit {2}up\/down select /);
    // The agent's words, their emoji each one `?`.
    expect(topRowOf(screen, 'demo-fay')?.attention).toBe('deploy ? now ??');
    terminal.keys('/');
    terminal.type('demo');
    terminal.keys('Enter');
    const filtered = await terminal.waitForScreen((lines) => (lines[3] ?? '').includes('filter "demo"'), 'the filter in the header');
    expect(filtered[3]).toMatch(/^queue {5}0 waiting, 0 set aside {2}\| filter "demo": 2 shown *$/);
    for (const line of filtered) expect(line).toMatch(/^[\x20-\x7e]*$/);
  });

  it('with a UTF-8 locale: › marks the selected row, │ separates, and the agent’s words are drawn as they are', async () => {
    const terminal = openTerminal(home, { env: { LANG: 'C.UTF-8' } });
    const screen = await terminal.waitForScreen(ready, 'both rows and fay’s words');
    expect(screen.find((line) => line.includes('fay '))).toMatch(/^›!fay /);
    expect(screen[0]).toMatch(/^iapeer top {2}daemon not running +\d\d:\d\d:\d\d$/);
    expect(screen.at(-1)).toMatch(/^q quit {2}↑↓ select /);
    expect(topRowOf(screen, 'demo-fay')?.attention).toBe(QUESTION);
    terminal.keys('/');
    terminal.type('demo');
    terminal.keys('Enter');
    const filtered = await terminal.waitForScreen((lines) => (lines[3] ?? '').includes('filter "demo"'), 'the filter in the header');
    expect(filtered[3]).toMatch(/^queue {5}0 waiting, 0 set aside {2}│ filter "demo": 2 shown *$/);
  });

  it('NO_COLOR=1: no colour code on the screen; without it the states and the row needing input are coloured', async () => {
    const plain = openTerminal(home, { env: { LANG: 'C.UTF-8', NO_COLOR: '1' } });
    await plain.waitForScreen(ready, 'both rows and fay’s words');
    const plainSgr = sgrOf(plain.screen({ escapes: true }));
    expect(plainSgr.filter(setsColour)).toEqual([]);

    const coloured = openTerminal(home, { env: { LANG: 'C.UTF-8', NO_COLOR: undefined } });
    await coloured.waitForScreen(ready, 'both rows and fay’s words');
    const colouredSgr = sgrOf(coloured.screen({ escapes: true })).filter(setsColour);
    // Down in grey (90), needs-input in red (31).
    expect(colouredSgr.some((params) => params.includes(90))).toBe(true);
    expect(colouredSgr.some((params) => params.includes(31))).toBe(true);
  });

  it('wide characters stay inside their line: redrawn each second, the words under the row and the row under them stay whole', async () => {
    // A dialog of its own, so that its SINCE counts seconds (and its row is redrawn) while this runs.
    await livePeer(home, 'gil');
    await ask('demo-gil');
    await addPeer(home, 'hub');
    const terminal = openTerminal(home, { env: { LANG: 'C.UTF-8' } });
    const drawn = (lines: readonly string[]) => topRows(lines).length === 4 && topRowOf(lines, 'demo-gil')?.attention !== undefined;
    const first = await terminal.waitForScreen(drawn, 'four rows and gil’s words');
    const since = topRowOf(first, 'demo-gil')?.since;
    // Gil's row (its SINCE, and its last event: the attention, emoji and all) is drawn again;
    // the lines under it are not, as they have not changed.
    const later = await terminal.waitForScreen((lines) => drawn(lines) && topRowOf(lines, 'demo-gil')?.since !== since, 'gil’s row redrawn', 5000);
    await terminal.waitForScreen((lines) => topRowOf(lines, 'demo-gil')?.since !== topRowOf(later, 'demo-gil')?.since, 'and redrawn again', 5000);
    const screen = terminal.screen();
    expect(topRowOf(screen, 'demo-gil')).toMatchObject({
      state: 'live',
      activity: 'needs-input',
      attention: QUESTION,
      event: expect.stringContaining(`attention reason=permission msg="${QUESTION}"`) as unknown,
    });
    expect(topRowOf(screen, 'demo-hub')).toMatchObject({ selected: false, state: 'down', activity: '-', queue: '-', event: expect.stringMatching(/ add action=created runtimes=demo$/) as unknown });
    expect(screen.at(-1)).toMatch(/^q quit {2}↑↓ select /);
  });
});
