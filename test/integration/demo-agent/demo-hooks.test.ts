// The demo agent's hooks on real tmux: started by iapeer with the demo wiring, and by hand
// with launchArgv's argv to resume by id and with a slow hook.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tmux, waitFor } from '../../helpers/cli.js';
import { scaled } from '../../helpers/deadline.js';
import { expectOk, workDir } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';
import { hookCommand } from '../../../src/runtimes/hook-command.js';
import { launchArgv } from '../../../src/runtimes/launch-argv.js';
import { builtinRuntimes } from '../../../src/runtimes/builtin-runtimes.js';

const home = useHome();
const DEMO_AGENT = join(REPO, 'dist', 'demo-agent.cjs');
const ID = '5d1f9a2c-3b4e-4f60-8a7b-9c0d1e2f3a4b';

interface Line {
  readonly kind: string;
  readonly payload: Record<string, unknown>;
}

async function events(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  // A hook writes its line in several pieces: the last one is whole once its newline is there.
  return text
    .split('\n')
    .slice(0, -1)
    .filter(Boolean)
    .map((line) => {
      const match = /^(\S+) \d+ (.*)$/.exec(line);
      return { kind: match?.[1] ?? '', payload: JSON.parse(match?.[2] ?? '{}') as Record<string, unknown> };
    })
    // The agent's own lines: iapeer's marks (its spawn mark) are not what the hooks wrote.
    .filter((line) => !line.kind.startsWith('iapeer-'));
}

const kinds = (lines: readonly Line[]) => lines.map((line) => line.kind);

function startInTmux(socket: string, cwd: string, argv: readonly string[]): void {
  const started = tmux(socket, ['-f', '/dev/null', 'new-session', '-d', '-s', 'demo', '-x', '120', '-y', '30', '-c', cwd, '-e', 'PATH=/usr/bin:/bin', '--', ...argv]);
  expect(started.ok).toBe(true);
}

function screen(socket: string): string {
  return tmux(socket, ['capture-pane', '-p', '-t', 'demo']).stdout;
}

describe('the demo agent reports its events', () => {
  it('started by iapeer: SessionStart at launch, then UserPromptSubmit with the message and Stop', async () => {
    const cwd = await workDir(home, 'dora');
    expectOk(await home.run(['add', 'dora', '--runtime', 'demo', '--cwd', cwd]));
    expectOk(await home.run(['start', 'dora']));
    const file = join(home.home, 'state', 'demo-dora', 'events');
    const [start] = await waitFor(async () => ((await events(file)).length > 0 ? events(file) : undefined), 'SessionStart', scaled(15_000));
    expect(start?.kind).toBe('SessionStart');
    expect(start?.payload).toMatchObject({ hook_event_name: 'SessionStart', source: 'startup', cwd });
    expect(start?.payload['session_id']).toMatch(/^[0-9a-f-]{36}$/);

    const sent = await home.run(['send', 'dora', '--message', 'hello hooks', '--json']);
    expectOk(sent);
    const id = (JSON.parse(sent.stdout) as { id: string }).id;
    const lines = await waitFor(async () => ((await events(file)).some((line) => line.kind === 'Stop') ? events(file) : undefined), 'Stop', scaled(15_000));
    expect(kinds(lines)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop']);
    expect(lines[1]?.payload['prompt']).toMatch(new RegExp(`^\\[iap from=\\S+ topic=\\S+ id=${id}\\]\\nhello hooks$`));
    expect(new Set(lines.map((line) => line.payload['session_id'])).size).toBe(1);
  });

  it('resumed by id: SessionStart source resume with that id; a slow hook holds neither the screen nor the order', async () => {
    const cwd = await workDir(home, 'eve');
    const socket = join(home.sockDir, 'demo-by-hand');
    // tmux makes no directory for its socket.
    await mkdir(home.sockDir, { recursive: true, mode: 0o700 });
    const file = join(home.home, 'events-eve');
    const demo = builtinRuntimes(process.execPath).find((runtime) => runtime.name === 'demo');
    if (!demo) throw new Error('no demo runtime');
    const argv = launchArgv(demo, { mode: 'resume', sessionId: ID, eventsFile: file, nodeBin: process.execPath });
    expect(argv.slice(0, 2)).toEqual([process.execPath, DEMO_AGENT]);
    // The same hooks, with the prompt's made slow: the screen must not wait for it.
    const hooks = JSON.parse(argv[3] ?? '') as { hooks: Record<string, [{ hooks: [{ command: string; timeout: number }] }]> };
    const submit = hooks.hooks['UserPromptSubmit']?.[0].hooks[0];
    if (!submit) throw new Error('no UserPromptSubmit hook');
    submit.command = `sleep 4; ${hookCommand(file, 'UserPromptSubmit')}`;
    submit.timeout = 60;
    startInTmux(socket, cwd, [...argv.slice(0, 3), JSON.stringify(hooks), ...argv.slice(4)]);
    try {
      await waitFor(() => /^demo>/m.test(screen(socket)), 'the prompt', scaled(15_000));
      await waitFor(async () => (await events(file)).length === 1, 'SessionStart', scaled(15_000));
      expect((await events(file))[0]?.payload).toMatchObject({ hook_event_name: 'SessionStart', source: 'resume', session_id: ID });

      tmux(socket, ['send-keys', '-t', 'demo', '-l', 'a slow one']);
      tmux(socket, ['send-keys', '-t', 'demo', 'Enter']);
      await waitFor(() => /· received 10 chars/.test(screen(socket)), 'the message on screen', scaled(15_000));
      // Drawn while the UserPromptSubmit hook still sleeps: nothing after SessionStart yet.
      expect(kinds(await events(file))).toEqual(['SessionStart']);
      const lines = await waitFor(async () => ((await events(file)).length === 3 ? events(file) : undefined), 'the two hooks', scaled(20_000));
      expect(kinds(lines)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop']);
      expect(lines[1]?.payload).toMatchObject({ prompt: 'a slow one', session_id: ID });
      const transcript = await readFile(join(cwd, '.iapeer-demo', 'transcript.log'), 'utf8');
      expect(JSON.parse(transcript.split('\n')[0] ?? '')).toMatchObject({ kind: 'start', mode: 'resume', sessionId: ID });
    } finally {
      tmux(socket, ['kill-server']);
    }
  });
});
