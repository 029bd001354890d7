import { describe, expect, it } from 'vitest';
import { builtinRuntimes } from '../../../src/runtimes/builtin-runtimes.js';
import { matchesLine } from '../../../src/transport/screen/readiness.js';

const NODE = '/usr/local/bin/node';

describe('builtinRuntimes', () => {
  it('built-in patterns fit screens captured as drawn, trailing spaces included', () => {
    const table = builtinRuntimes(NODE);
    const ready = (name: string) => table.find((runtime) => runtime.name === name)?.ready;
    expect(ready('demo')?.source).toBe('^demo> ');
    expect(ready('demo')?.test('starting\ndemo> \n')).toBe(true);
    expect(ready('demo')?.test('starting\ndemo> hello\n')).toBe(true);
    // Claude Code's composer prompt is "❯" and a no-break space; its history lines use a plain space.
    expect(matchesLine(ready('claude') as RegExp, 'Claude Code\n❯\u00a0          \n')).toBe(true);
    expect(matchesLine(ready('claude') as RegExp, 'Claude Code\n❯ earlier message\n❯\u00a0draft\n')).toBe(false);
    expect(matchesLine(ready('codex') as RegExp, 'codex\n› Ask Codex to do anything   \n')).toBe(true);
    expect(matchesLine(ready('codex') as RegExp, 'codex\n› a message in the history\n')).toBe(false);
  });
});
