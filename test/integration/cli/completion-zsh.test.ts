// `iapeer completion zsh` in a real zsh: an interactive zsh on a pseudo-terminal (zpty), the
// completion system loaded (compinit) and the script sourced, a command line typed and TAB
// pressed (test/fixtures/zsh-completion). compadd is wrapped, not replaced: each call still adds
// its matches, and the words that fit the line (compadd -O) are written to a file, read back here.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { CASES, type ShellPlace, normalised, runShell, seedFleet, shellToTest } from '../../helpers/completion.js';
import { expectOk } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'zsh-completion');

describe.runIf(shellToTest('zsh'))('zsh completion', () => {
  const home = useHome({ shared: true });
  let place: ShellPlace;
  let script: string;
  let captures = 0;

  beforeAll(async () => {
    place = await seedFleet(home);
    const printed = await home.run(['completion', 'zsh']);
    expectOk(printed);
    await mkdir(join(home.home, 'zfunc'));
    script = join(home.home, 'zfunc', '_iapeer');
    await writeFile(script, printed.stdout);
  });

  /** What TAB at the end of the line offers, the script sourced (or with `fpath`, autoloaded from its directory). */
  async function complete(line: string, how: 'source' | 'fpath' = 'source'): Promise<string[]> {
    const capture = join(home.home, `capture-${captures++}`);
    await writeFile(capture, '');
    const load = how === 'source' ? { IAPEER_SCRIPT: script } : { IAPEER_FPATH: dirname(script) };
    const result = await runShell('zsh', ['-f', join(FIXTURES, 'type-tab.zsh'), line], place, { ...load, ZDOTDIR: FIXTURES, CAPTURE_FILE: capture });
    expect(result.code, `driver: ${result.stderr}`).toBe(0);
    return (await readFile(capture, 'utf8')).split('\n');
  }

  it('is a script zsh parses (zsh -n)', async () => {
    const result = await runShell('zsh', ['-n', script], place);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('works from $fpath too: compinit finds _iapeer by its #compdef line and autoloads it', async () => {
    expect((await readFile(script, 'utf8')).split('\n')[0]).toBe('#compdef iapeer');
    expect(normalised(await complete('iapeer st', 'fpath'))).toEqual(['start', 'status', 'stop']);
    expect(normalised(await complete('iapeer start boris ', 'fpath'))).toEqual(['claude', 'codex']);
  });

  it.each(CASES.map(({ line, expected }) => [line, expected] as const))('%j → %j', async (line, expected) => {
    expect(normalised(await complete(line))).toEqual(normalised(expected));
  });

  it('completes a value typed with its flag (--flag=value)', async () => {
    expect(normalised(await complete('iapeer daemon install --target='))).toEqual(['launchd', 'systemd']);
    expect(normalised(await complete('iapeer add carol --cwd=wo'))).toEqual(['work', 'workshop']);
  });
});
