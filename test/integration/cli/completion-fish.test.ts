// `iapeer completion fish` in a real fish: the script sourced, then `complete -C <line>`, which
// prints what fish itself would offer at a TAB there (a word, a tab, its description).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES, type ShellPlace, normalised, runShell, seedFleet, shellToTest } from '../../helpers/completion.js';
import { expectOk } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';

describe.runIf(shellToTest('fish'))('fish completion', () => {
  const home = useHome({ shared: true });
  let place: ShellPlace;
  let script: string;

  beforeAll(async () => {
    place = await seedFleet(home);
    const printed = await home.run(['completion', 'fish']);
    expectOk(printed);
    // Where fish looks for a command's completions: it loads this file at the first TAB after iapeer.
    const dir = join(home.home, 'xdg-config', 'fish', 'completions');
    await mkdir(dir, { recursive: true });
    script = join(dir, 'iapeer.fish');
    await writeFile(script, printed.stdout);
  });

  /** What fish offers at the end of the line: the script sourced, or (autoload) found where fish looks. */
  async function complete(line: string, how: 'source' | 'autoload' = 'source'): Promise<Array<{ word: string; about: string }>> {
    // Autoloading needs fish's own configuration (it sets the paths it looks in); XDG_CONFIG_HOME
    // is the test's, so no user's config.fish is read.
    const args = how === 'source' ? ['--no-config', '-c', 'source $argv[1]; or exit 9; complete -C $argv[2]'] : ['-c', 'complete -C $argv[2]'];
    const result = await runShell('fish', [...args, script, line], place);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    return result.stdout
      .split('\n')
      .filter((entry) => entry !== '')
      .map((entry) => {
        const [word = '', about = ''] = entry.split('\t');
        return { word, about };
      });
  }

  const words = async (line: string, how?: 'source' | 'autoload') => normalised((await complete(line, how)).map(({ word }) => word));

  it('is a script fish parses (fish -n)', async () => {
    const result = await runShell('fish', ['--no-config', '-n', script], place);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('is loaded from ~/.config/fish/completions without being sourced', async () => {
    expect(await words('iapeer st', 'autoload')).toEqual(['start', 'status', 'stop']);
  });

  it.each(CASES.map(({ line, expected }) => [line, expected] as const))('%j → %j', async (line, expected) => {
    expect(await words(line)).toEqual(normalised(expected));
  });

  it('shows each verb’s and flag’s description from --help beside it', async () => {
    const verbs = await complete('iapeer st');
    expect(verbs.find(({ word }) => word === 'stop')?.about).toMatch(/^durable stop: nothing wakes the peer until start/);
    const flags = await complete('iapeer list --');
    expect(flags).toEqual(expect.arrayContaining([{ word: '--json', about: 'print a JSON array' }]));
  });

  it('completes a value typed with its flag (--flag=value)', async () => {
    expect(await words('iapeer daemon install --target=')).toEqual(['--target=launchd', '--target=systemd']);
    expect(await words('iapeer add carol --cwd=wo')).toEqual(['--cwd=work', '--cwd=workshop']);
  });
});
