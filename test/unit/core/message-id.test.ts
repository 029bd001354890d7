import { describe, expect, it } from 'vitest';
import { isMessageId, newMessageId } from '../../../src/core/message-id.js';

describe('message ids', () => {
  it('are unique and sort by creation time, even within one millisecond', () => {
    const ids = [newMessageId(1_000), newMessageId(1_000), newMessageId(1_000), newMessageId(1_001), newMessageId(2_000_000_000_000)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    ids.forEach((id) => expect(isMessageId(id)).toBe(true));
  });

  it('are told apart from other words', () => {
    expect(isMessageId('hello')).toBe(false);
    expect(isMessageId('../../etc/passwd')).toBe(false);
  });
});
