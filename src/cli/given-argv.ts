import type { Command } from 'commander';

/**
 * The options a command was given on its command line, written back as arguments
 * (`--name=value`, one per value of a repeated option, `--no-x` for a negated flag): what
 * another host's iapeer is handed, the same words without the host. Defaults are left out.
 */
export function givenOptions(command: Command): string[] {
  const values = command.opts<Record<string, unknown>>();
  const words: string[] = [];
  const done = new Set<string>();
  for (const option of command.options) {
    const key = option.attributeName();
    if (done.has(key) || command.getOptionValueSource(key) !== 'cli') continue;
    done.add(key);
    const value = values[key];
    if (typeof value === 'boolean') {
      // `--always-on` and `--no-always-on` share a key: the flag written is the one that sets this value.
      const flag = command.options.find((one) => one.attributeName() === key && one.negate === !value && one.long !== undefined);
      if (flag?.long !== undefined) words.push(flag.long);
      continue;
    }
    for (const one of Array.isArray(value) ? value : [value]) words.push(`${option.long ?? ''}=${String(one)}`);
  }
  return words;
}

/** The words that name a command under the program, e.g. ['queue', 'show']. */
export function commandPath(command: Command): string[] {
  const path: string[] = [];
  for (let at: Command | null = command; at?.parent !== null && at !== null; at = at.parent) path.unshift(at.name());
  return path;
}
