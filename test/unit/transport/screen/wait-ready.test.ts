import { describe, expect, it } from 'vitest';
import { lastLine } from '../../../../src/transport/screen/wait-ready.js';

describe('lastLine', () => {
  it("is the last non-blank line, trimmed, past tmux's dead-pane notice", () => {
    expect(lastLine('Please log in   \n\nPane is dead (status 3, Tue Nov 24 07:12:39 2026)\n\n')).toBe('Please log in');
    expect(lastLine('  one \n  two  \n')).toBe('two');
    expect(lastLine('\n \n')).toBe('');
  });
});
