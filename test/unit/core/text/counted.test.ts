import { describe, expect, it } from 'vitest';
import { counted } from '../../../../src/core/text/counted.js';

describe('counted', () => {
  it('puts the noun in the number of the count', () => {
    expect([0, 1, 2].map((count) => counted(count, 'tick'))).toEqual(['0 ticks', '1 tick', '2 ticks']);
    expect(counted(1, 'char')).toBe('1 char');
    expect(counted(3, 'entry', 'entries')).toBe('3 entries');
  });
});
