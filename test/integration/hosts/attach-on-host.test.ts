// `attach boris@h1` on a real terminal (a tmux server of its own): `ssh -t` to that host's
// attach, its session on this screen; the tmux detach key gives the terminal back, exit 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { expectError, expectOk, listJson, workDir } from '../../helpers/fleet.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { openTerminal, sttyFlags } from '../../helpers/terminal.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
beforeAll(async () => {
  set = await startHosts(['h1', 'h2'], () => home.another());
  await set.writeHostsFile(home);
  const h1 = set.host('h1').home;
  expectOk(await h1.run(['add', 'boris', '--runtime', 'demo', '--cwd', await workDir(h1, 'boris')]));
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

describe('attach on another host', () => {
  it('shows the session there on this terminal; C-b d detaches it, exit 0, and the terminal is as it was', async () => {
    const terminal = openTerminal(home, { args: ['attach', 'boris@h1'], env: { IAPEER_SSH: set.sshBin } });
    // attach starts the peer there, then the tmux client there draws it here.
    await terminal.waitForScreen((lines) => lines.some((line) => line.startsWith('demo>')) && lines.some((line) => line.startsWith('[demo-boris]')), 'the session of h1', 30_000);
    expect((await listJson(set.host('h1').home)).map((row) => [row.personality, row.state])).toEqual([['boris', 'live']]);
    terminal.keys('C-b', 'd');
    const exit = await terminal.exited();
    expect(exit.code).toBe(0);
    expect(exit.sttyAfter).toBe(exit.sttyBefore);
    for (const off of ['-echo', '-icanon', '-isig']) expect(sttyFlags(exit.sttyAfter).has(off), off).toBe(false);
    expect(terminal.modes()).toEqual({ alternate: false, cursor: true });
    expect(terminal.screen().filter((line) => line !== '')).toEqual(['before the program', '[detached (from session demo-boris)]', 'exited 0']);
    // Detached, not stopped: the peer is still live there.
    expect((await listJson(set.host('h1').home)).map((row) => row.state)).toEqual(['live']);
  }, testTimeoutFor(60_000));

  it('a peer that is not there: the remote’s error line and exit code, as they are', async () => {
    const terminal = openTerminal(home, { args: ['attach', 'nobody@h1'], env: { IAPEER_SSH: set.sshBin } });
    const exit = await terminal.exited();
    expect(exit.code).toBe(2);
    const [before, said, after, ...rest] = terminal.screen().filter((line) => line !== '');
    expect([before, after, rest]).toEqual(['before the program', 'exited 2', []]);
    expect(said).toMatch(/^iapeer: attach: no peer named "nobody": see 'iapeer list'/);
  }, testTimeoutFor(30_000));

  it('a host that does not answer: one line naming it, exit 1', async () => {
    const down = set.host('h2');
    await down.sshd.stop();
    const terminal = openTerminal(home, { args: ['attach', 'boris@h2'], env: { IAPEER_SSH: set.sshBin } });
    const exit = await terminal.exited(30_000);
    expect(exit.code).toBe(1);
    expect(terminal.screen().filter((line) => line !== '')).toEqual([
      'before the program',
      `iapeer: attach: host h2 (${down.entry.ssh}) did not answer: ssh: connect to host 127.0.0.1 port ${down.sshd.port}: Connection refused`,
      'exited 1',
    ]);
  }, testTimeoutFor(60_000));

  it('without a terminal is refused here (exit 2), before any ssh', async () => {
    const before = set.host('h1').sshd.connections();
    expectError(await home.run(['attach', 'boris@h1'], { env: { IAPEER_SSH: set.sshBin } }), 2, 'attach', /attach needs a terminal/);
    expect(set.host('h1').sshd.connections()).toBe(before);
  });
});
