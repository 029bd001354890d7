/**
 * `npm start`: a two-peer fleet on the built-in demo runtime, in a home of its own for this
 * checkout. Needs no account and no network; leaves one peer running so you can look at it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

const checkout = realpathSync(resolve(import.meta.dirname, '..'));
const cli = join(checkout, 'dist', 'cli.cjs');
// One home per checkout, so that two checkouts never clear each other's demo; under the temp
// dir, as socket paths must stay short wherever the checkout lives.
const home = join(tmpdir(), `iapeer-demo-${userInfo().uid}-${createHash('sha256').update(checkout).digest('hex').slice(0, 8)}`);
const sockDir = join(home, 'sock');
// The demo clears only a home it made: one without this mark is someone else's.
const mark = join(home, '.iapeer-demo-home');

// Where the fleet lives is the demo's, whatever the shell exports; the commands printed at the
// end set the same two variables, and inherit the other IAPEER_* settings as the demo does.
const env: Record<string, string | undefined> = { ...process.env, IAPEER_HOME: home, IAPEER_SOCK_DIR: sockDir };
delete env['PEER_IDENTITY'];
delete env['TMUX'];

const bold = (text: string) => (process.stdout.isTTY && !process.env['NO_COLOR'] ? `\x1b[1m${text}\x1b[0m` : text);
/** A word as a POSIX shell reads it back. */
const sh = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
const homeEnv = `IAPEER_HOME=${sh(home)} IAPEER_SOCK_DIR=${sh(sockDir)}`;

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

/** What the demo agent recorded in `cwd`: one line per entry, a message's lines indented under it. */
function transcript(cwd: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.iapeer-demo', 'transcript.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const entry = JSON.parse(line) as { kind: string; text?: string };
      return [entry.kind, ...(entry.text ?? '').split('\n').filter(Boolean).map((textLine) => `  ${textLine}`)];
    });
}

// Start from a clean slate: end the fleet this checkout's last demo left running.
if (existsSync(home)) {
  if (!existsSync(mark) || readFileSync(mark, 'utf8') !== `${checkout}\n`) {
    console.error(`npm start: ${home} exists, and the demo did not make it: it is left as it is; move it away, or remove it if nothing uses it`);
    process.exit(1);
  }
  iapeer(['stop', '--all'], { quiet: true, allowFailure: true });
  rmSync(home, { recursive: true, force: true });
}
mkdirSync(home, { recursive: true, mode: 0o700 });
writeFileSync(mark, `${checkout}\n`);
const alice = join(home, 'work', 'alice');
const bob = join(home, 'work', 'bob');
mkdirSync(alice, { recursive: true });
mkdirSync(bob, { recursive: true });

console.log(`iapeer demo — a two-peer fleet on the built-in "demo" runtime, in a home of its own:\n  ${homeEnv}`);
iapeer(['add', 'alice', '--runtime', 'demo', '--cwd', alice, '--description', 'reviews pull requests']);
iapeer(['add', 'bob', '--runtime', 'demo', '--cwd', bob, '--description', 'writes the release notes']);
iapeer(['start', 'alice']);
iapeer(['list']);
console.log('\nA message goes into the live agent as one paste, submitted and checked; a down one is woken for it:');
iapeer(['send', 'alice', '--message', 'Please review PR 42']);
iapeer(['send', 'bob', '--message', 'Draft the release notes for 0.1.0', '--topic', 'release']);
iapeer(['interrupt', 'alice']);
iapeer(['compact', 'alice']);
console.log(`\nalice's transcript (${join(alice, '.iapeer-demo', 'transcript.log')}):`);
for (const line of transcript(alice)) console.log(`  ${line}`);
iapeer(['stop', 'alice']);
iapeer(['list']);
console.log(bold(`\nlifecycle log (${join(home, 'logs', 'lifecycle.log')}):`));
process.stdout.write(readFileSync(join(home, 'logs', 'lifecycle.log'), 'utf8'));

const command = (args: string) => `  ${homeEnv} ${sh(cli)} ${args}`;
console.log(`
bob is still running. These commands use the demo's home (the two variables the demo set):
${command('list')}
${command('send bob --message "Add the new verbs too"')}
${command('attach bob')}      # detach again with C-b d
To clean up:
${command('stop --all')} && rm -rf ${sh(home)}`);
