/**
 * `npm start`: a two-peer fleet on the built-in demo runtime, in its own IAPEER_HOME.
 * Needs no account and no network; leaves one peer running so you can attach to it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(import.meta.dirname, '..', 'dist', 'cli.cjs');
// Under the temp dir: socket paths must stay short, wherever the repository lives.
const home = join(tmpdir(), `iapeer-demo-${userInfo().uid}`);
const env: Record<string, string | undefined> = { ...process.env, IAPEER_HOME: home, IAPEER_SOCK_DIR: join(home, 'sock') };
delete env['PEER_IDENTITY'];
delete env['TMUX'];

const bold = (text: string) => (process.stdout.isTTY && !process.env['NO_COLOR'] ? `\x1b[1m${text}\x1b[0m` : text);

function iapeer(args: string[], options: { quiet?: boolean; allowFailure?: boolean } = {}): string {
  if (!options.quiet) console.log(bold(`\n$ iapeer ${args.map((arg) => (/\s/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`));
  const result = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  if (!options.quiet) process.stdout.write(result.stdout);
  if (result.status !== 0 && !options.allowFailure) {
    process.stderr.write(result.stderr);
    throw new Error(`iapeer ${args[0] ?? ''} failed with exit ${result.status ?? 'signal'}`);
  }
  return result.stdout;
}

function transcript(cwd: string): string[] {
  try {
    return readFileSync(join(cwd, '.iapeer-demo', 'transcript.log'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
}

// Start from a clean slate: end any fleet a previous demo left running.
iapeer(['stop', '--all'], { quiet: true, allowFailure: true });
rmSync(home, { recursive: true, force: true });
const alice = join(home, 'work', 'alice');
const bob = join(home, 'work', 'bob');
mkdirSync(alice, { recursive: true });
mkdirSync(bob, { recursive: true });

console.log(`iapeer demo — a two-peer fleet on the built-in "demo" runtime\nIAPEER_HOME=${home}`);
iapeer(['add', 'alice', '--runtime', 'demo', '--cwd', alice, '--description', 'reviews pull requests']);
iapeer(['add', 'bob', '--runtime', 'demo', '--cwd', bob, '--description', 'writes the release notes']);
iapeer(['start', 'alice']);
iapeer(['start', 'bob']);
iapeer(['list']);
iapeer(['interrupt', 'alice']);
iapeer(['compact', 'alice']);
console.log(`\nalice's transcript (${join(alice, '.iapeer-demo', 'transcript.log')}):`);
for (const line of transcript(alice)) console.log(`  ${line}`);
iapeer(['stop', 'alice']);
iapeer(['list']);
console.log(bold(`\nlifecycle log (${join(home, 'logs', 'lifecycle.log')}):`));
process.stdout.write(readFileSync(join(home, 'logs', 'lifecycle.log'), 'utf8'));

console.log(`
bob is still running. To look at him (detach again with C-b d):
  IAPEER_HOME=${home} node ${cli} attach bob
To clean up:
  IAPEER_HOME=${home} node ${cli} stop --all && rm -rf ${home}`);
