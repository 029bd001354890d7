import { describe, expect, it } from 'vitest';
import { hookCommand, shQuote } from '../../../src/runtimes/hook-command.js';

describe('hookCommand', () => {
  it('is the one-liner of the design, the file quoted for sh', () => {
    expect(hookCommand('/home/u/.iapeer/state/claude-amy/events', 'UserPromptSubmit')).toBe(
      `{ trap '' XFSZ; ulimit -f 2048; { printf '%s %s ' UserPromptSubmit "$(date +%s)"; head -c 8192; echo; } >> '/home/u/.iapeer/state/claude-amy/events'; } 2>/dev/null; exit 0`,
    );
  });

  it.each([
    ["a single quote", "/home/o'brien/events", `'/home/o'\\''brien/events'`],
    ['spaces and shell characters', '/tmp/a b/$(rm -rf)/`x`/"q"/;&|*', `'/tmp/a b/$(rm -rf)/\`x\`/"q"/;&|*'`],
    ['non-ASCII', '/tmp/ünï/events', `'/tmp/ünï/events'`],
  ])('quotes a path with %s', (_label, path, quoted) => {
    expect(shQuote(path)).toBe(quoted);
    expect(hookCommand(path, 'Stop')).toContain(`>> ${quoted}; }`);
  });

  it.each([
    ['a relative path', 'state/events', 'Stop', /absolute/],
    ['a newline in the path', '/tmp/a\nb', 'Stop', /control character/],
    ['a NUL in the path', '/tmp/a\0b', 'Stop', /control character/],
    ['a kind with a space', '/tmp/e', 'Stop now', /plain event name/],
    ['a kind with a quote', '/tmp/e', "Stop'", /plain event name/],
    ['an empty kind', '/tmp/e', '', /plain event name/],
  ])('refuses %s', (_label, path, kind, message) => {
    expect(() => hookCommand(path, kind)).toThrow(message);
  });
});
