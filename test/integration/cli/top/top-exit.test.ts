// Every way out of `iapeer top` (q, Ctrl-C, SIGTERM, SIGHUP, a signal while a peer or $EDITOR
// has the terminal) leaves the terminal as it was: the main screen back with what was on it, the
// cursor shown, echo and line editing on (the pane's `stty -a` before and after, on a real
// terminal: a tmux server of its own). Without a terminal it refuses to start, in one line.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmux, waitFor } from '../../../helpers/cli.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { expectError, lifecycleLines } from '../../../helpers/fleet.js';
import { type Terminal, openTerminal, sttyFlags, topRows } from '../../../helpers/terminal.js';
import { useHome } from '../../../helpers/use-home.js';
import { livePeer, messagesOf, socketOf } from '../../../fixtures/messages.js';

describe('leaving top', () => {
  const home = useHome({ shared: true });

  async function running(): Promise<Terminal> {
    const terminal = openTerminal(home);
    await terminal.waitForScreen((lines) => topRows(lines).length === 1, 'top’s row');
    expect(terminal.modes()).toEqual({ alternate: true, cursor: false });
    return terminal;
  }

  async function expectGivenBack(terminal: Terminal, code: number, printed: readonly string[] = []): Promise<void> {
    const exit = await terminal.exited();
    expect(exit.code).toBe(code);
    expect(exit.sttyAfter).toBe(exit.sttyBefore);
    const flags = sttyFlags(exit.sttyAfter);
    expect([...flags]).toEqual(expect.arrayContaining(['echo', 'icanon', 'isig']));
    for (const off of ['-echo', '-icanon', '-isig']) expect(flags.has(off), off).toBe(false);
    expect(terminal.modes()).toEqual({ alternate: false, cursor: true });
    // The main screen as the shell left it: nothing of top's frame on it.
    const screen = terminal.screen().filter((line) => line !== '');
    expect(screen).toEqual(['before the program', ...printed, `exited ${code}`]);
  }

  let cwd = '';
  beforeAll(async () => {
    cwd = await livePeer(home, 'ann');
  });

  it('q quits: exit 0', async () => {
    const terminal = await running();
    terminal.keys('q');
    await expectGivenBack(terminal, 0);
  });

  it('Ctrl-C quits, even while a message is being typed (the cursor shown then): exit 0', async () => {
    const terminal = await running();
    terminal.keys('m');
    terminal.type('half a thought');
    await terminal.waitForScreen((lines) => lines.at(-2)?.trimEnd() === 'message to demo-ann: half a thought', 'the composer line');
    expect(terminal.modes().cursor).toBe(true);
    terminal.keys('C-c');
    await expectGivenBack(terminal, 0);
  });

  it('SIGTERM: exit 143', async () => {
    const terminal = await running();
    process.kill(terminal.programPid(), 'SIGTERM');
    await expectGivenBack(terminal, 143);
  });

  it('SIGHUP (the terminal closed): exit 129', async () => {
    const terminal = await running();
    process.kill(terminal.programPid(), 'SIGHUP');
    await expectGivenBack(terminal, 129);
  });

  it('SIGTERM while a peer is attached: top ends when the attach does, and gives the terminal back', async () => {
    const terminal = await running();
    const socket = socketOf(home, 'demo-ann');
    terminal.keys('a');
    await waitFor(() => tmux(socket, ['list-clients']).stdout.trim() !== '', 'the attach', scaled(15_000));
    process.kill(terminal.programPid(), 'SIGTERM');
    // The peer keeps the terminal until it is detached from.
    await terminal.waitForScreen((lines) => lines.some((line) => line.startsWith('[demo-ann]')), 'the peer still on the terminal');
    expect(tmux(socket, ['detach-client', '-s', 'demo-ann']).ok).toBe(true);
    await expectGivenBack(terminal, 143, ['[detached (from session demo-ann)]']);
  });

  it('SIGTERM while a message is written in $EDITOR: top ends when the editor does, and sends nothing', async () => {
    const go = join(home.home, 'editor-go');
    const editor = join(home.home, 'editor.sh');
    // An editor that writes a message, then waits to be let go.
    await writeFile(editor, `#!/bin/sh\nprintf 'not to be sent' > "$1"\nwhile [ ! -e '${go}' ]; do sleep 0.05; done\n`, { mode: 0o700 });
    const terminal = openTerminal(home, { env: { VISUAL: editor, EDITOR: editor } });
    await terminal.waitForScreen((lines) => topRows(lines).length === 1, 'top’s row');
    const before = (await messagesOf(cwd)).length;
    terminal.keys('e');
    await terminal.waitForScreen((lines) => lines.every((line) => !line.startsWith('iapeer top ')), 'the editor on the terminal');
    process.kill(terminal.programPid(), 'SIGTERM');
    await writeFile(go, '');
    await expectGivenBack(terminal, 143);
    // Had top sent it, the send would have ended before top did.
    expect((await messagesOf(cwd)).slice(before)).toEqual([]);
    expect((await lifecycleLines(home)).filter((line) => line.includes(' ev=deliver '))).toEqual([]);
  });

  it(
    'stdin not a terminal: exit 2 with one line, the terminal untouched; nor in a pipe',
    async () => {
      const terminal = openTerminal(home, { redirect: '< /dev/null' });
      const exit = await terminal.exited();
      expect(exit.code).toBe(2);
      expect(exit.sttyAfter).toBe(exit.sttyBefore);
      expect(terminal.modes()).toEqual({ alternate: false, cursor: true });
      expect(terminal.screen().filter((line) => line !== '')).toEqual(['before the program', expect.stringMatching(/^iapeer: top: .*needs a terminal/), 'exited 2']);

      expectError(await home.run(['top']), 2, 'top', /needs a terminal/);
    },
    testTimeoutFor(20_000),
  );
});
