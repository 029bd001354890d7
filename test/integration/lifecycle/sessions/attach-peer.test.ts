import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, tmux, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectOk, rowOf, workDir } from '../../../helpers/fleet.js';

/**
 * `iapeer attach` from inside the user's own tmux. Three servers: "term" stands in for the
 * terminal emulator (keys are typed into it with send-keys), "outer" is the user's tmux,
 * attached in that terminal, and its pane runs `iapeer attach`, so the peer's client is
 * nested (TMUX is set there) and every key passes through the outer client's key bindings,
 * as it does for a person.
 */
const home = useHome();
let outer: string;
let term: string;
let inner: string;

beforeEach(async () => {
  outer = join(home.home, 'outer');
  term = join(home.home, 'term');
  inner = join(home.sockDir, 'demo-viewer');
  expectOk(await home.run(['add', 'viewer', '--runtime', 'demo', '--cwd', await workDir(home, 'viewer')]));
});

afterEach(() => {
  tmux(term, ['kill-server']);
  tmux(outer, ['kill-server']);
});

/** Starts the user's tmux (with `config`) in the stand-in terminal, running `iapeer attach viewer`. */
async function attachNested(config: string): Promise<void> {
  const configFile = join(home.home, 'outer.conf');
  await writeFile(configFile, config);
  const env = Object.entries(home.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  const command = `echo "nested in $TMUX"; ${process.execPath} ${CLI} attach viewer; echo "attach exited $?"; exec sleep 300`;
  expect(tmux(outer, ['-f', configFile, 'new-session', '-d', '-s', 'outer', '-x', '120', '-y', '30', ...env, 'sh', '-c', command]).ok).toBe(true);
  const attachOuter = `env -u TMUX tmux -S ${outer} attach-session -t =outer`;
  expect(tmux(term, ['-f', '/dev/null', 'new-session', '-d', '-s', 'term', '-x', '130', '-y', '40', 'sh', '-c', attachOuter]).ok).toBe(true);
  await waitFor(() => clients(outer).length === 1, 'the user’s tmux to be attached in the terminal');
  await waitFor(() => clients(inner).length === 1 && outerScreen().includes('[demo-viewer]'), 'iapeer attach to show the peer inside it');
}

function clients(socket: string): string[] {
  return tmux(socket, ['list-clients', '-F', '#{client_key_table}']).stdout.split('\n').filter(Boolean);
}

function outerScreen(): string {
  return tmux(outer, ['capture-pane', '-p', '-t', '=outer:']).stdout;
}

/** Keys as a person types them: into the terminal, so the user's tmux sees them first. */
function type(...keys: string[]): void {
  expect(tmux(term, ['send-keys', '-t', '=term:', ...keys]).ok).toBe(true);
}

async function expectInnerDetachedOnly(): Promise<void> {
  await waitFor(() => outerScreen().includes('attach exited 0'), '`iapeer attach` to exit 0 after the detach');
  expect(clients(inner)).toEqual([]);
  // The user's own tmux is still attached in the terminal, and the peer still runs.
  expect(clients(outer)).toHaveLength(1);
  expect(outerScreen()).toMatch(/^nested in \//m);
  expect((await rowOf(home, 'demo-viewer'))?.state).toBe('live');
}

describe('detaching a nested attach', () => {
  it('the status line tells a nested client to press C-b C-b d, and that detaches the peer, not the user’s tmux', async () => {
    await attachNested('');
    await waitFor(() => outerScreen().includes('iapeer - nested: detach with C-b C-b d'), 'the nested detach hint on the peer’s status line');
    // The user's tmux takes the first C-b as its prefix and sends the second through.
    type('C-b', 'C-b');
    await waitFor(() => clients(inner)[0] === 'prefix', 'the peer’s client to get the prefix');
    type('d');
    await expectInnerDetachedOnly();
  });

  it('under a tmux whose prefix is not C-b, C-b d reaches the peer directly', async () => {
    await attachNested('set -g prefix C-a\nunbind C-b\nbind C-a send-prefix\n');
    type('C-b');
    await waitFor(() => clients(inner)[0] === 'prefix', 'the peer’s client to get the prefix');
    type('d');
    await expectInnerDetachedOnly();
  });

  it('a client that is not nested is told C-b d', async () => {
    expectOk(await home.run(['start', 'viewer']));
    // The status line as tmux draws it for a client that is no tmux (this command's own client).
    const status = execFileSync('tmux', ['-u', '-S', inner, 'display-message', '-p', '-t', '=demo-viewer', '#{T:status-right}'], {
      encoding: 'utf8',
      env: { ...home.env, TERM: 'xterm-256color' },
    });
    expect(status.trim()).toBe('iapeer - detach: C-b d');
  });
});
