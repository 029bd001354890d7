// `iapeer completion bash` in a real bash: the script sourced, the completion function called as
// bash calls it at a TAB (COMP_WORDS, COMP_CWORD), its COMPREPLY read back.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

  it('offers the peers a newly added peer joins, and none of a removed one, without sourcing again', async () => {
    expectOk(await home.run(['add', 'dora', '--runtime', 'demo', '--cwd', place.cwd]));
    expect(await complete('iapeer start d')).toContain('dora');
    expectOk(await home.run(['remove', 'dora']));
    expect(normalised(await complete('iapeer start '))).toEqual(['alice', 'boris']);
  });
});
