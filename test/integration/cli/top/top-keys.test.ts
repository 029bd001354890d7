// `iapeer top`'s keys on a real terminal (a tmux server of its own): attach and back on detach,
// stop and start, and a message typed on the composer line, each done through the verbs.
import { describe, expect, it } from 'vitest';
import { tmux, waitFor } from '../../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { lifecycleLines } from '../../../helpers/fleet.js';
import { type Terminal, openTerminal, sttyFlags, topRowOf, topRows } from '../../../helpers/terminal.js';
import { useHome } from '../../../helpers/use-home.js';
import { lifecycleLog, livePeer, messagesOf, screenOf, socketOf } from '../../../fixtures/messages.js';

describe('top’s keys', () => {
  const home = useHome();

  /** Moves the selection with j/k until `identity`'s row is the selected one. */
  async function select(terminal: Terminal, identity: string): Promise<void> {
    const rows = topRows(terminal.screen());
    const from = rows.findIndex((row) => row.selected);
    const to = rows.findIndex((row) => `${row.runtime}-${row.peer}` === identity);
    expect(to, `${identity} is drawn`).toBeGreaterThanOrEqual(0);
    if (to !== from) terminal.keys(...Array.from({ length: Math.abs(to - from) }, () => (to > from ? 'j' : 'k')));
    await terminal.waitForScreen((lines) => topRowOf(lines, identity)?.selected === true, `${identity} to be selected`);
  }

  const clients = (identity: string) => tmux(socketOf(home, identity), ['list-clients', '-F', '#{client_session}']).stdout.split('\n').filter(Boolean);

  /** The key attaches the selected peer on this terminal; its detach brings top back. */
  async function attachAndReturn(terminal: Terminal, identity: string, key: string): Promise<void> {
    terminal.keys(key);
    await waitFor(() => clients(identity).length === 1, `a client of ${identity} on top’s terminal`, scaled(15_000));
    await terminal.waitForScreen((lines) => lines.some((line) => line.startsWith('demo>')) && lines.some((line) => line.startsWith(`[${identity}]`)), `${identity}’s screen on the terminal`);
    // Keys typed now are the peer's: top, away, takes none of them (a q would quit it).
    terminal.type('qs');
    await waitFor(() => screenOf(home, identity).includes('demo> qs'), `qs in ${identity}’s composer`, scaled(10_000));
    terminal.keys('BSpace', 'BSpace');
    await waitFor(() => !screenOf(home, identity).includes('demo> q'), `${identity}’s composer empty again`, scaled(10_000));
    expect(tmux(socketOf(home, identity), ['detach-client', '-s', identity]).ok).toBe(true);
    const back = await terminal.waitForScreen(
      (lines) => lines[0]?.startsWith('iapeer top ') === true && lines.at(-2)?.trim() === `back from ${identity}` && topRows(lines).length === 2,
      'top drawn again after the detach',
    );
    expect(topRowOf(back, identity)).toMatchObject({ selected: true, state: 'live' });
    expect(terminal.modes()).toEqual({ alternate: true, cursor: false });
    expect(clients(identity)).toEqual([]);
  }

  it(
    'a and Enter attach the selected peer; detaching comes back to top, which still takes keys and quits clean',
    async () => {
      await livePeer(home, 'ann');
      await livePeer(home, 'ben');
      const terminal = openTerminal(home);
      await terminal.waitForScreen((lines) => topRows(lines).length === 2, 'top’s two rows');

      await select(terminal, 'demo-ben');
      await attachAndReturn(terminal, 'demo-ben', 'a');
      await select(terminal, 'demo-ann');
      await attachAndReturn(terminal, 'demo-ann', 'Enter');

      terminal.keys('q');
      const exit = await terminal.exited();
      expect(exit.code).toBe(0);
      expect(exit.sttyAfter).toBe(exit.sttyBefore);
      expect([...sttyFlags(exit.sttyAfter)]).toEqual(expect.arrayContaining(['echo', 'icanon']));
      expect(terminal.modes()).toEqual({ alternate: false, cursor: true });
      // The attaches started nothing: both peers kept the one session each had.
      expect((await lifecycleLines(home)).filter((line) => / ev=(start|wake) /.test(line))).toHaveLength(4);
    },
    testTimeoutFor(60_000),
  );

  it(
    's stops and r starts the selected peer, as the log says; m sends the typed line, which arrives once',
    async () => {
      const cwd = await livePeer(home, 'cy');
      const terminal = openTerminal(home);
      await terminal.waitForScreen((lines) => topRowOf(lines, 'demo-cy')?.selected === true, 'cy’s row, selected');
      const logged = async (pattern: RegExp) => (await lifecycleLines(home)).filter((line) => pattern.test(line));

      terminal.keys('s');
      await waitFor(async () => (await logged(/ ev=stop identity=demo-cy was=live$/)).length === 1, 'ev=stop in the log', scaled(15_000), 100);
      await terminal.waitForScreen((lines) => topRowOf(lines, 'demo-cy')?.state === 'stopped' && lines.at(-2)?.trim() === 'stopped demo-cy', 'cy stopped in top');

      terminal.keys('r');
      await waitFor(async () => (await logged(/ ev=start identity=demo-cy outcome=woken$/)).length === 2, 'a second ev=start in the log', scaled(30_000), 100);
      await terminal.waitForScreen((lines) => topRowOf(lines, 'demo-cy')?.state === 'live' && /^started demo-cy /.test(lines.at(-2) ?? ''), 'cy live again in top', 30_000);
      await waitFor(() => screenOf(home, 'demo-cy').includes('demo> '), 'cy’s prompt', scaled(15_000));

      terminal.keys('m');
      await terminal.waitForScreen((lines) => lines.at(-2)?.trimEnd() === 'message to demo-cy:', 'the composer line');
      terminal.type('hello from top');
      const composing = await terminal.waitForScreen((lines) => lines.at(-2)?.trimEnd() === 'message to demo-cy: hello from top', 'the typed text on the composer line');
      // The cursor stands after the text while a line is typed.
      expect(terminal.modes()).toEqual({ alternate: true, cursor: true });
      expect(composing.at(-1)).toMatch(/^q quit /);
      terminal.keys('Enter');
      const sent = await terminal.waitForScreen((lines) => /^\S+: delivered to demo-cy/.test(lines.at(-2)?.trim() ?? ''), 'send’s outcome on the status line', 30_000);
      const id = /^(\S+):/.exec(sent.at(-2)?.trim() ?? '')?.[1] ?? '';
      expect(terminal.modes().cursor).toBe(false);

      const arrived = (await messagesOf(cwd)).filter((text) => text.endsWith('\nhello from top'));
      expect(arrived).toEqual([`[iap from=operator topic=none id=${id}]\nhello from top`]);
      expect(screenOf(home, 'demo-cy')).toContain(`[iap from=operator topic=none id=${id}]`);
      expect((await lifecycleLog(home)).split('\n').filter((line) => line.includes(` ev=deliver identity=demo-cy id=${id} outcome=delivered`))).toHaveLength(1);
    },
    testTimeoutFor(60_000),
  );
});
