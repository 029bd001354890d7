// peek: the agent's screen as plain text through the built CLI, on real tmux; a peer that is
// not live is refused and never woken; bad input changes nothing.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../helpers/cli.js';
import { expectError } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { addPeer, lifecycleLog, livePeer, screenOf, sendJson, socketOf } from '../../../fixtures/messages.js';

describe('peek', () => {
  const home = useHome();

  it('prints the live demo agent’s screen, the blank rows under it left out; --lines N the last N', async () => {
    await livePeer(home, 'bob');
    const sent = await sendJson(home, ['bob', '--message', 'look at this']);
    await waitFor(() => screenOf(home, 'demo-bob').includes(sent.id), 'the message on screen');
    const screen = await home.run(['peek', 'bob']);
    expect(screen.code, screen.stderr).toBe(0);
    expect(screen.stderr).toBe('');
    const lines = screen.stdout.split('\n');
    expect(lines[0]).toMatch(/^iapeer demo agent .* demo-bob/);
    expect(screen.stdout).toContain(`[iap from=operator topic=none id=${sent.id}]`);
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toMatch(/^Enter sends/);
    expect(lines.at(-3)).toMatch(/^demo>/);

    const last = await home.run(['peek', 'demo-bob', '--lines', '2']);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toBe(`${lines.slice(-3, -1).join('\n')}\n`);
    // More lines than there are: the whole screen (the demo draws on the alternate screen, which has no history).
    expect((await home.run(['peek', 'bob', 'demo', '--lines', '100000'])).stdout).toBe(screen.stdout);
  });

  it('--lines reaches into the history, and colours are never printed', async () => {
    const script = 'printf "\\033[31mred words\\033[0m\\n"; i=1; while [ $i -le 120 ]; do echo "line $i"; i=$((i+1)); done; echo ready; exec cat';
    await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { shell: { fresh: ['/bin/sh', '-c', script], ready: '^ready$' } } }), { mode: 0o600 });
    await addPeer(home, 'sal', 'shell');
    expect((await home.run(['start', 'sal'])).code).toBe(0);
    await waitFor(() => screenOf(home, 'shell-sal').includes('ready'), 'the script done');
    const screen = await home.run(['peek', 'sal']);
    expect(screen.stdout).not.toContain('line 1\n');
    expect(screen.stdout.split('\n').at(-2)).toBe('ready');
    const all = await home.run(['peek', 'sal', '--lines', '122']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.split('\n').slice(0, 3)).toEqual(['red words', 'line 1', 'line 2']);
    expect(all.stdout).not.toContain('\x1b');
    expect(all.stdout.split('\n')).toHaveLength(123);
  });

  it('a down, stopped or unknown peer is refused: one line, nothing started or written', async () => {
    await addPeer(home, 'dora');
    const down = await home.run(['peek', 'dora']);
    expectError(down, 1, 'peek', /demo-dora is down: .*peek never starts a peer \(iapeer start dora does\)/);
    expect(existsSync(socketOf(home, 'demo-dora'))).toBe(false);

    await livePeer(home, 'stan');
    expect((await home.run(['stop', 'stan'])).code).toBe(0);
    expectError(await home.run(['peek', 'demo-stan']), 1, 'peek', /demo-stan is stopped/);
    expect(existsSync(socketOf(home, 'demo-stan'))).toBe(false);

    const before = await lifecycleLog(home);
    expectError(await home.run(['peek', 'nobody']), 2, 'peek', /no peer named "nobody"/);
    expectError(await home.run(['peek', 'dora', 'codex']), 2, 'peek', /has no runtime "codex"/);
    for (const lines of ['0', '-3', 'ten', '1.5', '100001']) {
      expectError(await home.run(['peek', 'dora', '--lines', lines]), 2, 'peek', /--lines .*expected a whole number of lines from 1 to 100000/);
    }
    expect(await lifecycleLog(home)).toBe(before);
    expect(before).not.toMatch(/ev=wake personality=dora/);
  });
});
