// One real agent CLI (Claude Code or Codex) driven through the built iapeer CLI: a temp
// IAPEER_HOME, a loopback fake model API of its own, a throw-away HOME answering the
// first-run questions, and the agents' bin dir first on PATH. The agent's session inherits
// the environment of the `iapeer` process that spawns it, so every CLI call gets it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentLaunch, claudeHome, codexHome, installAgentsBinDir } from './agent-homes.js';
import { type FakeModelApi, startFakeModelApi } from './fake-model-api.js';
import { type CliResult, type TestHome, makeHome, waitFor } from '../helpers/cli.js';

export type AgentCli = 'claude' | 'codex';

export interface Sent {
  readonly id: string;
  readonly outcome: string;
  /** What the agent receives: the header line and the body. */
  readonly text: string;
}

export interface AgentRig {
  readonly cli: AgentCli;
  readonly home: TestHome;
  readonly api: FakeModelApi;
  /** The peer's working directory. */
  readonly cwd: string;
  /** The environment every CLI call adds: PATH with the agents first, the agent's HOME and API settings. */
  readonly env: Record<string, string>;
  /** `<cli>-a`, the agent peer's identity. */
  readonly identity: string;
  run(args: readonly string[]): Promise<CliResult>;
  /** `iapeer send <peer> --message <body> --json`; throws unless it exits 0 with JSON. */
  send(body: string, peer?: string): Promise<Sent>;
  /** The agent's screen as drawn (`capture-pane -p -N`), or '' when there is no server. */
  screen(identity?: string): string;
  /** The screen and the cursor on it, read in one tmux call (as iapeer's own look reads them). */
  look(identity?: string): { screen: string; cursor: { x: number; y: number } | undefined };
  /** Types text into the agent's composer as keystrokes (no paste). */
  type(text: string): void;
  close(): Promise<void>;
}

/** Throws with the CLI's output when it did not exit 0. */
export function ok(result: CliResult, what: string): CliResult {
  if (result.code !== 0) throw new Error(`${what}: exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** Registers peer `a` on the given CLI's built-in runtime; nothing is started yet. */
/** `env` is added to every iapeer call of the rig, and so to the agent's session and its MCP server. */
export async function startRig(cli: AgentCli, options: { env?: Readonly<Record<string, string>> } = {}): Promise<AgentRig> {
  // Undone last to first: the sessions end before the directories they write to go.
  const cleanups: (() => unknown)[] = [];
  const close = async (): Promise<void> => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch {
        // cleanup goes on past a failed step
      }
    }
  };
  try {
    const api = await startFakeModelApi();
    cleanups.push(() => api.close());
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), `iap-${cli}-cwd-`)));
    cleanups.push(() => removeWhenQuiet(cwd));
    const binDir = installAgentsBinDir();
    const launch: AgentLaunch = cli === 'claude' ? claudeHome({ port: api.port, cwd, binDir }) : codexHome({ port: api.port, cwd, binDir });
    cleanups.push(() => removeWhenQuiet(launch.home));
    const home = await makeHome();
    cleanups.push(() => home.cleanup());
    const env = { ...launch.env, ...options.env, PATH: `${binDir}:${home.env.PATH ?? '/usr/bin:/bin'}` };
    const identity = `${cli}-a`;
    const sockDir = home.sockDir;
    const run = (args: readonly string[]): Promise<CliResult> => home.run(args, { env });
    cleanups.push(() => run(['stop', '--all']));
    ok(await run(['add', 'a', '--runtime', cli, '--cwd', cwd]), 'add a');
    const screen = (id: string = identity): string => {
      try {
        return execFileSync('tmux', ['-u', '-S', join(sockDir, id), 'capture-pane', '-p', '-N', '-t', '%0'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 10_000,
        });
      } catch {
        return '';
      }
    };
    const look = (id: string = identity): { screen: string; cursor: { x: number; y: number } | undefined } => {
      try {
        const out = execFileSync(
          'tmux',
          ['-u', '-S', join(sockDir, id), 'display-message', '-p', '-t', '%0', '#{cursor_x},#{cursor_y}', ';', 'capture-pane', '-p', '-N', '-t', '%0'],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 },
        );
        const newline = out.indexOf('\n');
        const [x, y] = out.slice(0, newline).split(',').map(Number);
        return { screen: out.slice(newline + 1), cursor: x === undefined || y === undefined ? undefined : { x, y } };
      } catch {
        return { screen: '', cursor: undefined };
      }
    };
    return {
      cli,
      home,
      look,
      api,
      cwd,
      env,
      identity,
      run,
      send: async (body, peer = 'a') => {
        const result = ok(await run(['send', peer, '--message', body, '--json']), `send to ${peer}`);
        const parsed = JSON.parse(result.stdout) as { id: string; outcome: string };
        return { id: parsed.id, outcome: parsed.outcome, text: `[iap from=operator topic=none id=${parsed.id}]\n${body}` };
      },
      screen,
      type: (text) => {
        execFileSync('tmux', ['-u', '-S', join(sockDir, identity), 'send-keys', '-t', '%0', '-l', text], { stdio: 'ignore', timeout: 10_000 });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Removes a directory an agent may still be writing to as it exits: retried until it is gone. */
async function removeWhenQuiet(dir: string): Promise<void> {
  await waitFor(
    () => {
      try {
        rmSync(dir, { recursive: true, force: true });
        return true;
      } catch {
        return false;
      }
    },
    `${dir} to be removed`,
    30_000,
    200,
  );
}

/** How often `text` occurs in `haystack`. */
export function occurrences(haystack: string, text: string): number {
  let count = 0;
  for (let at = haystack.indexOf(text); at !== -1; at = haystack.indexOf(text, at + 1)) count++;
  return count;
}

/** Waits until the model's latest request carries every one of `texts` (each a whole message). */
export async function waitForConversation(api: FakeModelApi, texts: readonly string[], timeoutMs: number): Promise<string[]> {
  return waitFor(
    () => {
      const seen = api.conversation();
      return texts.every((t) => seen.some((s) => s.includes(t))) ? seen : undefined;
    },
    `the model to see ${texts.length} message(s)`,
    timeoutMs,
    200,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\nconversation: ${JSON.stringify(api.conversation(), null, 1)}`);
  });
}

/** The lifecycle log's `ev=deliver` lines about message `id`. */
export function deliverEvents(iapeerHome: string, id: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(iapeerHome, 'logs', 'lifecycle.log'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => /\bev=deliver\b/.test(line) && line.includes(id));
}

/** Lines of the demo agent's transcript (JSON lines) in `cwd`. */
export function demoTranscript(cwd: string): { kind: string; text?: string }[] {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.iapeer-demo', 'transcript.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { kind: string; text?: string });
}
