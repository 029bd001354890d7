// `iapeer completion bash` in a real bash: the script sourced, the completion function called as
// bash calls it at a TAB (COMP_WORDS, COMP_CWORD), its COMPREPLY read back.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/cli.js';
import { scaled } from '../../helpers/deadline.js';
import { CASES, type ShellPlace, normalised, runShell, seedFleet, wordsOf } from '../../helpers/completion.js';
import { expectOk } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let place: ShellPlace;
let script: string;

beforeAll(async () => {
  place = await seedFleet(home);
  const printed = await home.run(['completion', 'bash']);
  expectOk(printed);
  script = join(home.home, 'iapeer.bash');
  await writeFile(script, printed.stdout);
});

/** Sources the script, then runs `then` (bash code) with the words as "$@". */
function bash(then: string, words: readonly string[] = []) {
  return runShell('bash', ['--norc', '--noprofile', '-c', `source "$0" || exit 9\n${then}`, script, ...words], place);
}

/** COMPREPLY for a command line, as a TAB at its end would set it. */
async function complete(line: string): Promise<string[]> {
  const result = await bash(
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n_iapeer iapeer "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\nprintf "%s\\n" "${COMPREPLY[@]}"',
    wordsOf(line),
  );
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n');
}

describe('bash completion', () => {
  it('is registered for iapeer once sourced', async () => {
    const result = await bash('complete -p iapeer');
    expect(result).toMatchObject({ code: 0, stdout: 'complete -F _iapeer iapeer\n' });
  });

  it('is a script bash reads without complaint', async () => {
    const result = await bash('true');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it.each(CASES.map(({ line, expected }) => [line, expected] as const))('%j → %j', async (line, expected) => {
    expect(normalised(await complete(line))).toEqual(normalised(expected));
  });

  it('completes a value after the = that bash splits off (--flag=value)', async () => {
    expect(normalised(await complete('iapeer daemon install --target ='))).toEqual(['launchd', 'systemd']);
    expect(normalised(await complete('iapeer daemon install --target = s'))).toEqual(['systemd']);
    expect(normalised(await complete('iapeer add carol --cwd = wo'))).toEqual(['work', 'workshop']);
  });

  // bash splits a word at each character of COMP_WORDBREAKS, @ among them, and passes the
  // function the word readline will replace: from the @ on (bash keeps a leading @ in it).
  it.each([
    [['iapeer', 'start', 'boris', '@'], 'iapeer start boris@', '@', ['@h1', '@h2']],
    [['iapeer', 'start', 'boris', '@', 'h'], 'iapeer start boris@h', '@h', ['@h1', '@h2']],
    [['iapeer', 'stop', 'claude-boris', '@', 'h2'], 'iapeer stop claude-boris@h2', '@h2', ['@h2']],
    [['iapeer', 'log', '--peer', '=', 'boris', '@'], 'iapeer log --peer=boris@', '@', ['@h1', '@h2']],
    [['iapeer', 'start', 'boris', '@', 'local', ''], 'iapeer start boris@local ', '', ['claude', 'codex']],
    [['iapeer', 'start', 'boris', '@', 'h1', ''], 'iapeer start boris@h1 ', '', []],
    [['iapeer', 'start', '@', 'h1', ''], 'iapeer start @h1 ', '', []],
    [['iapeer', 'send', '--message', '@', 'alice', '@'], 'iapeer send --message @ alice@', '@', ['@h1', '@h2']],
  ])('%j as bash splits %j (word %j) → %j', async (words, line, typed, expected) => {
    const result = await bash(
      'line=$1; typed=$2; shift 2\nCOMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=$line; COMP_POINT=${#COMP_LINE}\n_iapeer iapeer "$typed" "${COMP_WORDS[COMP_CWORD-1]}"\nprintf "%s\\n" "${COMPREPLY[@]}"',
      [line, typed, ...words],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(normalised(result.stdout.split('\n'))).toEqual(normalised(expected));
  });

  it('in an interactive bash, TAB completes boris@ to each host and then to one', async () => {
    const socket = join(home.home, 'bash-term.sock');
    const tmuxIn = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', env: place.env, cwd: place.cwd, timeout: 10_000 });
    tmuxIn('-f', '/dev/null', 'new-session', '-d', '-x', '100', '-y', '10', 'bash', '--norc', '--noprofile', '-i');
    try {
      // The prompt's line as typed, up to the cursor (capture-pane drops trailing spaces).
      const prompt = () => {
        const [x = '0', y = '0'] = tmuxIn('display-message', '-p', '#{cursor_x} #{cursor_y}').trim().split(' ');
        return (tmuxIn('capture-pane', '-p').split('\n')[Number(y)] ?? '').padEnd(Number(x)).slice(0, Number(x));
      };
      tmuxIn('send-keys', '-l', `PS1='> '; source '${script}'`);
      tmuxIn('send-keys', 'Enter', 'C-l');
      await waitFor(() => prompt() === '> ', 'the prompt', scaled(10_000));
      tmuxIn('send-keys', '-l', 'iapeer attach boris@');
      tmuxIn('send-keys', 'Tab');
      await waitFor(() => prompt() === '> iapeer attach boris@h', 'the common part of boris@h1 and boris@h2', scaled(10_000));
      tmuxIn('send-keys', '-l', '2');
      tmuxIn('send-keys', 'Tab');
      await waitFor(() => prompt() === '> iapeer attach boris@h2 ', 'boris@h2 in full', scaled(10_000));
    } finally {
      tmuxIn('kill-server');
    }
  });

  it('offers the peers a newly added peer joins, and none of a removed one, without sourcing again', async () => {
    expectOk(await home.run(['add', 'dora', '--runtime', 'demo', '--cwd', place.cwd]));
    expect(await complete('iapeer start d')).toContain('dora');
    expectOk(await home.run(['remove', 'dora']));
    expect(normalised(await complete('iapeer start '))).toEqual(['alice', 'boris']);
  });
});
