import { describe, expect, it } from 'vitest';
import { RepeatLimiter, repeatKey } from '../../../src/daemon/limit-repeats.js';

describe('repeated messages', () => {
  it('treats a clock set back as a new window rather than silencing the key', () => {
    const limiter = new RepeatLimiter(60_000, 10);
    const sample = { level: 'error' as const, msg: 'x', fields: {} };
    expect(limiter.see('k', 1_000_000, sample).write).toBe(true);
    expect(limiter.see('k', 1_000_001, sample).write).toBe(false);
    const back = limiter.see('k', 10_000, sample);
    expect(back).toMatchObject({ write: true, repeated: 1 });
  });

  it('keys on level, msg and non-numeric fields only', () => {
    expect(repeatKey('error', 'm', { identity: 'a', age: 1 })).toBe(repeatKey('error', 'm', { identity: 'a', age: 2 }));
    expect(repeatKey('error', 'm', { identity: 'a' })).not.toBe(repeatKey('error', 'm', { identity: 'b' }));
    expect(repeatKey('error', 'm', {})).not.toBe(repeatKey('warn', 'm', {}));
  });
});
