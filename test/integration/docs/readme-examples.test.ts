// Every example in README.md, run as written with the built CLI. The rule (the README's
// Development section says it too; test/helpers/readme-examples.ts reads it):
//
// - Examples are the command lines of the fenced blocks marked ```sh (or bash, shell, console).
//   Other blocks are output or files; one with no info string that holds a command line (`$ …`,
//   `iapeer …`) fails this test: mark it ```sh, or ```text if it is output.
// - Output as shown: in a block with `$ ` prompts, the lines under a prompt; without prompts, a
//   `# {…}` or `# […]` line right under a command, or such a trailing comment (JSON, or the keys
//   of its JSON). A trailing comment saying `(exit N)` is the status the command exits with;
//   else 0 (non-zero when the output shown is an `iapeer: …` error). Output is matched in shape: times, message ids, numbers and column padding are
//   generalised, each shown line must be found in the output in order, and JSON must have the
//   keys and values shown.
// - Each README section runs in a home of its own, its examples in order, each in its own
//   `/bin/sh -c` from $HOME (so a `cd` does not carry over), with `iapeer` on PATH (the built
//   dist/cli.cjs). The home holds the fleet the README speaks of: alice (demo, stopped, "reviews
//   pull requests"), bob (demo, live, "writes the release notes"), boris (claude and codex, in
//   ~/src/api, "owns the API", live on claude), and a running daemon (it ticks once an hour, so
//   no tick races an example). There `claude` and `codex` are the demo agent (a runtimes.json
//   entry overrides the built-in of its name); IAPEER_HOME is the test's home and ~/.iapeer
//   links to it; the paths an example names (`~/src/api-v2`, `notes.md`) exist; systemctl,
//   launchctl and loginctl are the fakes of test/helpers/fake-service-manager.ts, which answer
//   and load nothing, so `daemon install` and always-on peers run and reach no real manager.
// - An example that cannot run here (it needs a terminal, or runs until stopped) is in SKIPPED
//   with the reason; one that only an agent runs is run in AS_IF's environment. Any other
//   example that fails fails this test: fix the README, or add the example to a table with its
//   reason. A table entry that matches no example fails too.
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, waitFor } from '../../helpers/cli.js';
import { daemonJson, startDaemon } from '../../helpers/daemon.js';
import { makeFakeServiceManager } from '../../helpers/fake-service-manager.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { type Example, namedPaths, readmeBlocks, readmeSections, unmarkedCommands } from '../../helpers/readme-examples.js';
import { type Homes, jsonMismatch, textMismatch } from '../../helpers/readme-shapes.js';
import { type UsedHome, useHome } from '../../helpers/use-home.js';

interface Skip {
  readonly command: RegExp;
  readonly why: string;
}

const SKIPPED: readonly Skip[] = [
  {
    command: /^iapeer \S+ .*(@build\b|--host build\b)/,
    why: 'runs on the host build of the Hosts section over ssh; test/integration/hosts/ runs each verb on another host, over a private sshd',
  },
  { command: /^npm install && npm start$/, why: 'installs and runs the demo: test/integration/scripts/demo.test.ts runs the demo' },
  { command: /^npm test$/, why: 'the whole gate, of which this test is a part' },
  {
    command: /^npm install && npm run build && npm link$/,
    why: 'npm link writes into the global npm prefix; test/integration/scripts/build.test.ts runs the linked command after a build and a rebuild',
  },
  { command: /^iapeer attach\b/, why: 'attaches a terminal (exit 2 without one)' },
  { command: /^iapeer top$/, why: 'full screen until q (exit 2 without a terminal); test/integration/cli/top/ drives it in a tmux pane' },
  { command: /(^|&& )iapeer (claude|codex|demo)\b(?!.*--detach)/, why: 'launches and attaches a terminal (exit 2 without one)' },
  { command: /^iapeer log\b.*--follow/, why: 'runs until Ctrl-C or a closed pipe' },
  {
    command: /^iapeer queue (show|retry|drop) (?!--set-aside)/,
    why: 'names a message id the operator copies from `iapeer queue`; test/integration/lifecycle/messages/manage-queue.test.ts runs each with real ids',
  },
  { command: /^iapeer daemon run$/, why: 'runs in the foreground until stopped; each section runs it so, in the background (startDaemon)' },
];

interface AsIf {
  readonly command: RegExp;
  readonly env: Readonly<Record<string, string>>;
  readonly why: string;
}

const AS_IF: readonly AsIf[] = [
  { command: /^iapeer self-fresh\b/, env: { PEER_IDENTITY: 'claude-boris' }, why: "an agent runs it inside its session, where PEER_IDENTITY is set: boris's" },
];

const README = join(REPO, 'README.md');
const DEMO_AGENT = join(REPO, 'dist', 'demo-agent.cjs');

/** The demo agent under another runtime's name, with the built-in demo's patterns and none of that runtime's flags. */
const AS_DEMO = {
  wiring: 'none',
  fresh: [process.execPath, DEMO_AGENT],
  resume: [process.execPath, DEMO_AGENT, '--resume'],
  ready: '^demo> ',
  composer: '^demo> .*\\S',
  busy: '^\\(working',
  settleMs: 20,
};

interface ShellResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** `/bin/sh -c text` in its own process group, all of which a timeout ends. */
function shell(text: string, env: Record<string, string>, cwd: string, timeoutMs: number): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', text], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

interface World extends Homes {
  readonly env: Record<string, string>;
  run(text: string, extraEnv?: Readonly<Record<string, string>>): Promise<ShellResult>;
}

/** The README's fleet in a fresh home (see the top of this file). */
async function seed(home: UsedHome): Promise<World> {
  const user = join(home.home, 'user');
  const bin = join(home.home, 'bin');
  await mkdir(join(user, 'src', 'api'), { recursive: true });
  await mkdir(bin);
  await symlink(home.home, join(user, '.iapeer'));
  await symlink(CLI, join(bin, 'iapeer'));
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { claude: AS_DEMO, codex: AS_DEMO } }), { mode: 0o600 });
  const manager = await makeFakeServiceManager(join(home.home, 'service-manager'));
  const env = {
    ...home.env,
    ...manager.env,
    HOME: user,
    PATH: [bin, join(manager.dir, 'bin'), dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
  };
  const world: World = {
    home: user,
    iapeerHome: home.home,
    env,
    run: (text, extraEnv = {}) => shell(text, { ...env, ...extraEnv }, user, scaled(90_000)),
  };
  for (const text of [
    'iapeer add alice --runtime demo --description "reviews pull requests"',
    'iapeer stop alice',
    'iapeer add bob --runtime demo --description "writes the release notes"',
    'iapeer start bob',
    'iapeer add boris --runtime claude codex --cwd ~/src/api --description "owns the API"',
    'iapeer start boris',
  ]) {
    const result = await world.run(text);
    expect(result.code, `seed: ${text}: ${result.stderr}`).toBe(0);
  }
  // One tick at its start and none while the examples run, so that none races them.
  const daemon = startDaemon(home, { ...env, IAPEER_SUPERVISE_INTERVAL_MS: '3600000' });
  await waitFor(
    async () => {
      if (daemon.child.exitCode !== null) throw new Error(`the daemon exited (${daemon.child.exitCode}): ${daemon.stderr}`);
      const state = await daemonJson(home);
      return state?.pid === daemon.pid && state.ticks >= 1;
    },
    "the section's daemon to tick",
    scaled(30_000),
  );
  return world;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Makes what the section's examples name and a reader would have: `~/src/api-v2`, `notes.md`. */
async function makeNamedPaths(world: World, examples: readonly Example[]): Promise<void> {
  for (const { path, kind } of examples.flatMap(namedPaths)) {
    const full = join(world.home, path);
    if (await exists(full)) continue;
    if (kind === 'dir') await mkdir(full, { recursive: true });
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, `${path}, as named by a README example\n`);
    }
  }
}

const skipOf = (example: Example): Skip | undefined => SKIPPED.find((skip) => skip.command.test(example.command));
const asIfOf = (example: Example): AsIf | undefined => AS_IF.find((entry) => entry.command.test(example.command));

/** What is wrong with one example's run, if anything. */
async function checkExample(world: World, example: Example): Promise<string | undefined> {
  const where = `README line ${example.line} (${example.section}): ${example.text}\n`;
  const result = await world.run(example.text, asIfOf(example)?.env);
  const output = `stdout: ${result.stdout.trimEnd() || '(none)'}\nstderr: ${result.stderr.trimEnd() || '(none)'}`;
  if (result.timedOut) return `${where}did not end within ${scaled(90_000)} ms; an example that runs until stopped belongs in SKIPPED\n${output}`;
  const exitOk = example.expectedExit === 'non-zero' ? result.code !== 0 : result.code === example.expectedExit;
  if (!exitOk) return `${where}exited ${result.code}, the README implies ${example.expectedExit}\n${output}`;
  const text = example.shownLines.length > 0 ? textMismatch(example.shownLines, `${result.stdout}${result.stderr}`, world) : undefined;
  if (text) return `${where}${text}\n${output}`;
  const json = example.shownJson === undefined ? undefined : jsonMismatch(example.shownJson, result.stdout, world);
  if (json) return `${where}${json}\n${output}`;
  return undefined;
}

const markdown = await readFile(README, 'utf8');
const sections = readmeSections(markdown);
const examples = sections.flatMap((section) => section.examples);

describe('the README examples', () => {
  const home = useHome();

  for (const section of sections) {
    const runnable = section.examples.filter((example) => skipOf(example) === undefined);
    if (runnable.length === 0) continue;
    it(
      `${section.title}: ${runnable.length} of ${section.examples.length} run as written`,
      async () => {
        const world = await seed(home);
        await makeNamedPaths(world, runnable);
        const problems: string[] = [];
        for (const example of runnable) {
          const problem = await checkExample(world, example);
          if (problem) problems.push(problem);
        }
        expect(problems, problems.join('\n\n')).toEqual([]);
      },
      testTimeoutFor(30_000 + runnable.length * 10_000),
    );
  }

  it('leaves no example unchecked: each is run or in a table with its reason, and each table entry is used', () => {
    expect(examples.length).toBeGreaterThan(30);
    expect(unmarkedCommands(markdown), 'command lines in a block not marked ```sh (mark output ```text)').toEqual([]);
    for (const entry of [...SKIPPED, ...AS_IF]) {
      expect(
        examples.some((example) => entry.command.test(example.command)),
        `${entry.command} matches no README example: drop it from the table`,
      ).toBe(true);
    }
  });

  it('shows runtimes.json as a file iapeer loads', async () => {
    const files = readmeBlocks(markdown).filter((block) => block.info === 'json');
    expect(files.length).toBeGreaterThan(0);
    for (const block of files) {
      const text = block.lines.join('\n');
      const json = JSON.parse(text) as Record<string, unknown>;
      if (!('runtimes' in json)) continue;
      await writeFile(join(home.home, 'runtimes.json'), text, { mode: 0o600 });
      const result = await home.run(['doctor', '--json']);
      const doctor = JSON.parse(result.stdout) as { checks: Array<{ name: string; status: string; detail: string }> };
      expect(doctor.checks.find((check) => check.name === 'runtimes.json'), `README line ${block.line}`).toMatchObject({ status: 'ok' });
    }
  });
});
