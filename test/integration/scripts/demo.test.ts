// `npm start`'s script (scripts/demo.ts, after the build) run from checkouts of its own (the
// script copied, the built dist linked), under a shell that exports another home: the
// commands it prints are then run as printed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliResult, REPO, cleanupHome } from '../../helpers/cli.js';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { isRunning } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';

const exported = useHome();
const made: string[] = [];
const demoHomes = new Set<string>();

afterEach(async () => {
  for (const home of demoHomes) await cleanupHome(home, join(home, 'sock'));
  demoHomes.clear();
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The shell's environment: another home exported, as a user who uses iapeer has. */
const shellEnv = () => ({ ...exported.env, IAPEER_HOME: exported.home, IAPEER_SOCK_DIR: exported.sockDir });

function sh(command: string, args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: shellEnv(), encoding: 'utf8', timeout: 180_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function makeCheckout(): Promise<string> {
  const checkout = await realpath(await mkdtemp(join(tmpdir(), 'iap-co-')));
  made.push(checkout);
  await mkdir(join(checkout, 'scripts'));
  await copyFile(join(REPO, 'scripts', 'demo.ts'), join(checkout, 'scripts', 'demo.ts'));
  await symlink(join(REPO, 'dist'), join(checkout, 'dist'));
  return checkout;
}

interface Demo {
  readonly result: CliResult;
  readonly home: string;
  /** The printed command that runs `verb` (the line, without its leading spaces). */
  command(verb: string): string;
}

function runScript(checkout: string): Promise<CliResult> {
  return sh(join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/demo.ts'], checkout);
}

async function runDemo(checkout: string): Promise<Demo> {
  const result = await runScript(checkout);
  const home = /^ {2}IAPEER_HOME=(\S+) /m.exec(result.stdout)?.[1];
  if (home === undefined) throw new Error(`the demo named no home (exit ${result.code}): ${result.stdout}${result.stderr}`);
  demoHomes.add(home);
  expect(result.code, result.stderr).toBe(0);
  return {
    result,
    home,
    command: (verb) => {
      const line = result.stdout.split('\n').find((text) => text.startsWith('  IAPEER_HOME=') && text.includes(`/cli.cjs ${verb}`));
      if (line === undefined) throw new Error(`the demo printed no "${verb}" command: ${result.stdout}`);
      return line.trim();
    },
  };
}

/** Runs a printed command in the shell that ran the demo. */
function runPrinted(demo: Demo, verb: string): Promise<CliResult> {
  return sh('/bin/sh', ['-c', demo.command(verb)], REPO);
}

async function bobIsLive(demo: Demo): Promise<boolean> {
  return /^bob +demo +live /m.test((await runPrinted(demo, 'list')).stdout);
}

/** Runs the printed clean-up: afterwards nothing of the demo's fleet runs and its home (sockets included) is gone. */
async function cleanUp(demo: Demo): Promise<void> {
  const { pid, serverPid } = JSON.parse(await readFile(join(demo.home, 'state', 'demo-bob', 'spawned'), 'utf8')) as { pid: number; serverPid: number };
  const cleaned = await runPrinted(demo, 'stop --all');
  expect(cleaned.code, cleaned.stderr).toBe(0);
  expect([isRunning(pid), isRunning(serverPid)]).toEqual([false, false]);
  expect(existsSync(demo.home)).toBe(false);
}

describe('npm start (the demo)', () => {
  it(
    'keeps to a home of its own per checkout, shows a message going in, and prints commands that work as printed and clean up',
    async () => {
      const checkout = await makeCheckout();
      const a = await runDemo(checkout);
      expect(a.home).not.toBe(exported.home);
      expect(a.result.stdout).toMatch(/^\$ iapeer send alice --message "Please review PR 42"\n\S+: delivered to demo-alice$/m);
      expect(a.result.stdout).toMatch(/^\$ iapeer send bob .*\n\S+: woke and delivered to demo-bob$/m);
      expect(a.result.stdout).toMatch(/^alice's transcript .*\n(?: {2}.*\n)*? {2}.*Please review PR 42/m);

      const listed = await runPrinted(a, 'list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^alice +demo +stopped /m);
      expect(listed.stdout).toMatch(/^bob +demo +live /m);
      expect((await runPrinted(a, 'send')).stdout).toMatch(/: delivered to demo-bob\n$/);

      // Another checkout's demo leaves this one's fleet alone, and cleans up its own.
      const b = await runDemo(await makeCheckout());
      expect(b.home).not.toBe(a.home);
      expect(await bobIsLive(a)).toBe(true);
      await cleanUp(b);
      expect(await bobIsLive(a)).toBe(true);

      // A home the demo did not make (here: its mark gone) is never cleared.
      await rm(join(a.home, '.iapeer-demo-home'));
      const refused = await runScript(checkout);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${a.home} exists, and the demo did not make it`);
      expect(await bobIsLive(a)).toBe(true);
      await cleanUp(a);

      // The home the shell exports was never touched.
      expect(await readdir(exported.home)).toEqual([]);
    },
    testTimeoutFor(90_000),
  );
});
