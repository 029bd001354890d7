import { describe, expect, it } from 'vitest';
import { endedMessage, lastLines } from '../../../../src/transport/screen/wait-ready.js';

describe('lastLines', () => {
  it("are the last non-blank lines, trimmed, past tmux's dead-pane notice", () => {
    expect(lastLines('Please log in   \n\nPane is dead (status 3, Tue Nov 24 07:12:39 2026)\n\n')).toEqual(['Please log in']);
    expect(lastLines('  one \n  two  \n')).toEqual(['one', 'two']);
    expect(lastLines('\n \n')).toEqual([]);
  });

  it('are at most five, and skip stack frames, which say where and not what', () => {
    const node = [
      'node:internal/modules/cjs/loader:1210',
      '  throw err;',
      '  ^',
      '',
      "Error: Cannot find module '/nonexistent.js'",
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
      '    at node:internal/main/run_main_module:28:49 {',
      "  code: 'MODULE_NOT_FOUND',",
      '  requireStack: []',
      '}',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(lastLines(node)).toEqual(["Error: Cannot find module '/nonexistent.js'", "code: 'MODULE_NOT_FOUND',", 'requireStack: []', '}', 'Node.js v20.20.2']);
  });

  it('cut each line to a bounded length', () => {
    expect(lastLines(`${'x'.repeat(1000)}\n`)).toEqual(['x'.repeat(160)]);
  });
});

describe('endedMessage', () => {
  it('quotes the last lines on one line, with their status, controls escaped', () => {
    expect(endedMessage('demo-ann', 1, 'Error: boom\n\u001b]0;t\u0007odd \u009b line\nbye\n')).toBe(
      'demo-ann exited with status 1 before it was ready; its screen ends: "Error: boom" / "\\u001b]0;t\\u0007odd \\x9B line" / "bye"',
    );
    expect(endedMessage('demo-ann', undefined, '\n')).toBe('demo-ann exited before it was ready');
  });
});
