import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { bashScript } from '../../../../src/cli/completion/bash-script.js';
import { commandTree } from '../../../../src/cli/completion/command-tree.js';
import { fishQuoted, oneLine, posixQuoted } from '../../../../src/cli/completion/script-text.js';

describe('script text', () => {
  it('puts a description on one line, control characters gone, cut when long', () => {
    expect(oneLine('first\nsecond\t\u001b[31mred\u0007  ')).toBe('first second [31mred');
    expect(oneLine('x'.repeat(150))).toHaveLength(100);
  });

  it('quotes any text for bash and zsh, as sh reads it back', () => {
    const text = `it's a \\ "test" $HOME \`id\` ’`;
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${posixQuoted(text)}`], { encoding: 'utf8' })).toBe(text);
  });

  it('quotes a backslash and a quote for fish', () => {
    expect(fishQuoted(`it's a \\ test`)).toBe(`'it\\'s a \\\\ test'`);
  });

  it('refuses a command name that would need quoting in a script', () => {
    const program = new Command('iapeer');
    program.command('bad$name');
    expect(() => bashScript(commandTree(program))).toThrow(/command name "bad\$name" cannot go into a completion script/);
  });
});
