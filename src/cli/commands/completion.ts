import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { bashScript } from '../completion/bash-script.js';
import { commandTree } from '../completion/command-tree.js';
import type { Shell, WordSource } from '../completion/completion-names.js';
import { wordsOfHome } from '../completion/completion-words.js';
import { fishScript } from '../completion/fish-script.js';
import { zshScript } from '../completion/zsh-script.js';
import type { Verb } from '../context-from-env.js';

export interface CompletionOptions {
  readonly shell: Shell;
  /** The script's own call at a TAB: print these words, one a line, instead of the script. */
  readonly words?: WordSource | undefined;
  /** With `--words runtimes`: that peer's runtimes. */
  readonly of?: string | undefined;
  /** The whole program, every verb declared: the script's verbs and flags are read from it. */
  readonly program: () => Command;
}

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export async function completion(options: CompletionOptions, { ctx, io }: Verb): Promise<void> {
  const { words: source, of } = options;
  if (of !== undefined && source !== 'runtimes') throw new UsageError('--of goes with --words runtimes');
  if (source === undefined) {
    io.stdout.write(SCRIPTS[options.shell](commandTree(options.program())));
    return;
  }
  const words = await wordsOfHome(ctx, source, of);
  io.stdout.write(words.map((word) => `${word}\n`).join(''));
}
