// The completion scripts in the real shells: a fleet for them to complete, the cases every shell
// must answer alike, and one way per shell to ask for the completions of a command line.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { buildProgram } from '../../src/cli/program.js';
import { LOG_EVENTS } from '../../src/lifecycle/log/log-filter.js';
import { CLI, type TestHome } from './cli.js';
import { scaled } from './deadline.js';
import { expectOk, workDir } from './fleet.js';

function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env['CI']?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Whether a shell's tests run: under CI they must (a missing shell fails them), elsewhere
 * only if the shell is installed, saying so on stderr when it is not.
 */
export function shellToTest(shell: 'zsh' | 'fish', env: NodeJS.ProcessEnv = process.env): boolean {
  if (onPath(shell, env)) return true;
  if (isCi(env)) throw new Error(`${shell} must be tested under CI, not skipped: it is not on PATH (apt-get install ${shell}); CI=${env['CI'] ?? ''}`);
  process.stderr.write(`${shell} completion tests skipped: ${shell} is not installed\n`);
  return false;
}

/** Where a shell runs: `iapeer` (the built CLI) on its PATH, in a directory holding work/, workshop/ and workfile. */
export interface ShellPlace {
  readonly env: Record<string, string>;
  readonly cwd: string;
}

/**
 * The fleet the cases complete: alice (demo), boris (claude and codex), a runtime of
 * runtimes.json (mybot), two other hosts (h1, h2: never reached, completion reads hosts.json
 * only), and a place for the shells to run.
 */
export async function seedFleet(home: TestHome): Promise<ShellPlace> {
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { mybot: { fresh: ['mybot'] } } }), { mode: 0o600 });
  await writeFile(join(home.home, 'hosts.json'), JSON.stringify({ hosts: { h2: { ssh: 'nowhere.invalid' }, h1: { ssh: 'me@nowhere.invalid:2222' } } }), { mode: 0o600 });
  expectOk(await home.run(['add', 'alice', '--runtime', 'demo', '--cwd', await workDir(home, 'alice')]));
  expectOk(await home.run(['add', 'boris', '--runtime', 'claude', 'codex', '--cwd', await workDir(home, 'boris')]));
  const bin = join(home.home, 'bin');
  const cwd = join(home.home, 'shell');
  await mkdir(bin);
  await symlink(CLI, join(bin, 'iapeer'));
  await mkdir(join(cwd, 'work'), { recursive: true });
  await mkdir(join(cwd, 'workshop'));
  await writeFile(join(cwd, 'workfile'), 'a file\n');
  const env = {
    ...home.env,
    HOME: home.home,
    XDG_CONFIG_HOME: join(home.home, 'xdg-config'),
    XDG_DATA_HOME: join(home.home, 'xdg-data'),
    XDG_CACHE_HOME: join(home.home, 'xdg-cache'),
    PATH: [bin, dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
  };
  return { env, cwd };
}

export interface CompletionCase {
  /** The command line up to the cursor: the last word is the one being completed. */
  readonly line: string;
  readonly expected: readonly string[];
}

const TARGETS = ['alice', 'boris', 'claude-boris', 'codex-boris', 'demo-alice'];
const RUNTIMES = ['claude', 'codex', 'demo', 'mybot'];

/** A verb's long flags as commander has them, --help included: what a script must offer after `--`. */
function flagsOf(...path: string[]): string[] {
  let command = buildProgram(() => Promise.resolve(), '0.0.0');
  for (const name of path) {
    const sub = command.commands.find((candidate) => candidate.name() === name);
    if (sub === undefined) throw new Error(`no command ${path.join(' ')}`);
    command = sub;
  }
  return [...command.options.filter((option) => !option.hidden).map((option) => option.long ?? ''), '--help'];
}

/** What every shell must answer for the fleet of seedFleet, run in its place. */
export const CASES: readonly CompletionCase[] = [
  { line: 'iapeer st', expected: ['start', 'status', 'stop'] },
  { line: 'iapeer send ', expected: TARGETS },
  { line: 'iapeer send alice ', expected: TARGETS },
  { line: 'iapeer send -- ', expected: TARGETS },
  { line: 'iapeer send --', expected: flagsOf('send') },
  { line: 'iapeer send --from ', expected: ['claude-boris', 'codex-boris', 'demo-alice'] },
  { line: 'iapeer start ', expected: ['alice', 'boris'] },
  { line: 'iapeer start boris ', expected: ['claude', 'codex'] },
  { line: 'iapeer stop claude-boris ', expected: [] },
  { line: 'iapeer add carol --runtime ', expected: RUNTIMES },
  { line: 'iapeer add carol --runtime claude ', expected: RUNTIMES },
  { line: 'iapeer add carol --runtime claude --cwd wo', expected: ['work', 'workshop'] },
  { line: 'iapeer send boris --attachment wo', expected: ['work', 'workfile', 'workshop'] },
  { line: 'iapeer log --peer b', expected: ['boris'] },
  { line: 'iapeer log --ev ', expected: [...LOG_EVENTS] },
  { line: 'iapeer queue ', expected: ['drop', 'retry', 'show'] },
  { line: 'iapeer queue drop --set-aside ', expected: TARGETS },
  { line: 'iapeer daemon install --target ', expected: ['launchd', 'systemd'] },
  { line: 'iapeer daemon peer ', expected: ['claude-boris', 'codex-boris', 'demo-alice'] },
  { line: 'iapeer completion ', expected: ['bash', 'fish', 'zsh'] },
  // A peer on another host: its name as typed (the peers there are not known here), each host.
  { line: 'iapeer start boris@', expected: ['boris@h1', 'boris@h2'] },
  { line: 'iapeer stop claude-boris@h', expected: ['claude-boris@h1', 'claude-boris@h2'] },
  { line: 'iapeer attach someone@h2', expected: ['someone@h2'] },
  { line: 'iapeer add carol@', expected: ['carol@h1', 'carol@h2'] },
  { line: 'iapeer send alice bob@', expected: ['bob@h1', 'bob@h2'] },
  { line: 'iapeer log --peer boris@', expected: ['boris@h1', 'boris@h2'] },
  { line: 'iapeer start @', expected: [] },
  { line: 'iapeer start boris@h1 ', expected: [] },
  { line: 'iapeer start boris@local ', expected: ['claude', 'codex'] },
  { line: 'iapeer queue drop --set-aside boris@', expected: [] },
  { line: 'iapeer list --host ', expected: ['h1', 'h2'] },
  { line: 'iapeer log --host h', expected: ['h1', 'h2'] },
  { line: 'iapeer hosts check ', expected: ['h1', 'h2'] },
  { line: 'iapeer c', expected: ['claude', 'codex', 'compact', 'completion'] },
];

/** Completions as a sorted set: a directory's trailing slash (fish adds one) dropped. */
export function normalised(words: readonly string[]): string[] {
  return [...new Set(words.map((word) => word.replace(/\/$/, '')).filter((word) => word !== ''))].sort();
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a shell to its end, or kills it at a deadline stretched by the machine's load. */
export function runShell(file: string, args: readonly string[], place: ShellPlace, extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd: place.cwd, env: { ...place.env, ...extraEnv }, encoding: 'utf8', timeout: scaled(30_000), killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The words of a command line as the shells split it: a line that ends in a space completes an empty word. */
export function wordsOf(line: string): string[] {
  return line.split(' ');
}
