// `iapeer top` on a real terminal (a tmux server of its own) over a fleet of demo peers in every
// state: each row says what `list --json` says, and the LAST EVENT column follows the lifecycle
// log as it is written.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmux, waitFor } from '../../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { type ListRow, expectOk, listJson } from '../../../helpers/fleet.js';
import { eventually, openTerminal, topRowOf, topRows } from '../../../helpers/terminal.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, livePeer, screenOf, sendJson, socketOf } from '../../../fixtures/messages.js';

type Listed = ListRow & { readonly activity: string | null; readonly attention: string | null };

describe('top over a fleet', () => {
  const home = useHome();

  /** Keys typed into a peer's own composer, as a person at its screen types them. */
  const typeInto = (identity: string, text: string) => {
    expect(tmux(socketOf(home, identity), ['send-keys', '-t', '%0', '-l', text]).ok).toBe(true);
    expect(tmux(socketOf(home, identity), ['send-keys', '-t', '%0', 'Enter']).ok).toBe(true);
  };

  it(
    'one row per identity as list --json has it: live, down (its queued message counted), stopped, blocked, busy, and needs-input marked ! with its words',
    async () => {
      await livePeer(home, 'ann');
      await addPeer(home, 'ben');
      const queued = await sendJson(home, ['ben', '--message', 'for when ben is up', '--no-wake']);
      expect(queued.outcome).toBe('queued');
      await addPeer(home, 'cy');
      expectOk(await home.run(['stop', 'cy']));
      await addPeer(home, 'dot');
      // The crash-loop guard's mark, as it writes it.
      await mkdir(join(home.home, 'state', 'demo-dot'), { recursive: true, mode: 0o700 });
      await writeFile(join(home.home, 'state', 'demo-dot', 'blocked'), JSON.stringify({ at: new Date().toISOString(), deaths: 5, windowSec: 600 }), { mode: 0o600 });
      await livePeer(home, 'eve');
      typeInto('demo-eve', '!sleep 120');
      await livePeer(home, 'fay');
      typeInto('demo-fay', '/ask may I deploy to staging?');
      await waitFor(() => screenOf(home, 'demo-fay').includes('? may I deploy to staging?'), 'fay’s dialog', scaled(10_000));
      await waitFor(
        async () => {
          const rows = (await listJson(home)) as Listed[];
          return rows.find((row) => row.identity === 'demo-eve')?.activity === 'busy' && rows.find((row) => row.identity === 'demo-fay')?.activity === 'needs-input';
        },
        'eve busy and fay at her dialog, as list says',
        scaled(15_000),
        200,
      );

      const terminal = openTerminal(home);
      await terminal.waitForScreen((lines) => topRows(lines).length === 6, 'top to draw six rows');
      // Both read the same standing fleet; compared until one refresh of top has caught up with list.
      const listed = await eventually(async () => {
        const rows = (await listJson(home)) as Listed[];
        const shown = topRows(terminal.screen());
        expect(shown.map((row) => ({ identity: `${row.runtime}-${row.peer}`, state: row.state, activity: row.activity, queue: row.queue, marked: row.marked, attention: row.attention ?? null }))).toEqual(
          rows.map((row) => ({
            identity: row.identity,
            state: row.state,
            activity: row.activity ?? '-',
            queue: row.waiting === 0 ? '-' : String(row.waiting),
            marked: row.activity === 'needs-input',
            attention: row.activity === 'needs-input' ? row.attention : null,
          })),
        );
        return rows;
      }, 10_000);
      // And what list says is the fleet this test made.
      expect(listed.map((row) => [row.identity, row.state, row.activity, row.waiting])).toEqual([
        ['demo-ann', 'live', 'idle', 0],
        ['demo-ben', 'down', null, 1],
        ['demo-cy', 'stopped', null, 0],
        ['demo-dot', 'blocked', null, 0],
        ['demo-eve', 'live', 'busy', 0],
        ['demo-fay', 'live', 'needs-input', 0],
      ]);
      const screen = terminal.screen();
      expect(topRowOf(screen, 'demo-fay')?.attention).toBe('may I deploy to staging?');
      expect(screen[0]).toMatch(/^iapeer top {2}daemon not running +\d\d:\d\d:\d\d$/);
      expect(screen[1]).toMatch(/^peers {5}6 identities: 3 live, 1 down, 1 stopped, 1 blocked *$/);
      expect(screen[2]).toMatch(/^activity {2}1 busy, 1 idle, 1 needs-input, 0 unknown *$/);
      expect(screen[3]).toMatch(/^queue {5}1 waiting, 0 set aside *$/);
      // The down peer's last event is its message being queued.
      expect(topRowOf(screen, 'demo-ben')?.event).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d deliver id=${queued.id} `));
    },
    testTimeoutFor(60_000),
  );

  it(
    'LAST EVENT and STATE follow an iapeer stop and start done from outside within 2 s',
    async () => {
      await livePeer(home, 'gus');
      await livePeer(home, 'hal');
      const terminal = openTerminal(home);
      await terminal.waitForScreen((lines) => /start outcome=woken$/.test(topRowOf(lines, 'demo-gus')?.event ?? ''), 'gus’s start as its last event');

      expectOk(await home.run(['stop', 'gus']));
      const stopped = await terminal.waitForScreen(
        (lines) => {
          const row = topRowOf(lines, 'demo-gus');
          return row?.state === 'stopped' && /^\d\d:\d\d:\d\d stop was=live$/.test(row.event);
        },
        'the stop in gus’s row',
        2000,
      );
      expect(topRowOf(stopped, 'demo-gus')?.activity).toBe('-');
      // The other row is not touched.
      expect(topRowOf(stopped, 'demo-hal')).toMatchObject({ state: 'live', activity: 'idle', event: expect.stringMatching(/ start outcome=woken$/) as unknown });

      expectOk(await home.run(['start', 'gus']));
      await terminal.waitForScreen(
        (lines) => {
          const row = topRowOf(lines, 'demo-gus');
          return row?.state === 'live' && /^\d\d:\d\d:\d\d start outcome=woken$/.test(row.event);
        },
        'the start in gus’s row',
        2000,
      );
    },
    testTimeoutFor(40_000),
  );
});
