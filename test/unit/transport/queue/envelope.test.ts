import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/core/errors.js';
import { MAX_TEXT_BYTES } from '../../../../src/core/limits.js';
import { checkBodySize, checkContent, cleanBody, formatEnvelope, parseTopic, refuseEmptyBody } from '../../../../src/transport/queue/envelope.js';

describe('the envelope', () => {
  it('is a header line, the body verbatim, then the attachments line', () => {
    const text = formatEnvelope({
      from: 'claude-boris',
      topic: 'review',
      id: 'abc',
      body: 'line one\n\tindented $(rm -rf /) "quoted" 🚀',
      attachments: ['/tmp/a.txt', '/tmp/with space.txt'],
    });
    expect(text).toBe(
      '[iap from=claude-boris topic=review id=abc]\nline one\n\tindented $(rm -rf /) "quoted" 🚀\nattachments: /tmp/a.txt "/tmp/with space.txt"',
    );
  });

  it('has no attachments line without attachments', () => {
    expect(formatEnvelope({ from: 'operator', topic: 'none', id: 'x', body: 'hi', attachments: [] })).toBe('[iap from=operator topic=none id=x]\nhi');
  });

  it('removes escape sequences whole and the other controls, but keeps LF and tab', () => {
    // 0x9b is the 8-bit CSI: with the f after it, a whole sequence.
    expect(cleanBody('a\x1b[201~b\x1b]0;PWNED\x07c\r\nd\re\x7f\u009bf\tg\nh')).toBe('abc\nde\tg\nh');
    expect(cleanBody('\x1b[31mred\x1b[0m \x1b(Bplain\x1b7')).toBe('red plain');
  });

  it('refuses a body over the limit, by bytes', () => {
    expect(() => checkBodySize('é'.repeat(MAX_TEXT_BYTES / 2))).not.toThrow();
    expect(() => checkBodySize('é'.repeat(MAX_TEXT_BYTES / 2 + 1))).toThrow(UsageError);
  });

  it('refuses a body with nothing to read once cleaned: empty, white space, controls', () => {
    for (const empty of ['', ' ', '\n\t\r\n', '\x07\x1b\x7f']) expect(() => refuseEmptyBody(empty), JSON.stringify(empty)).toThrow(UsageError);
    for (const body of ['.', ' hi ', '\n0\n']) expect(() => refuseEmptyBody(body), body).not.toThrow();
  });

  it('checks topics', () => {
    expect(parseTopic(undefined)).toBe('none');
    expect(parseTopic('pr-42/review')).toBe('pr-42/review');
    for (const bad of ['', 'two words', 'a]b', 'x=y', '-lead', 'a'.repeat(65), 'new\nline']) {
      expect(() => parseTopic(bad), bad).toThrow(UsageError);
    }
  });

  it('checks a message whole, wherever it goes: its size, something to read, its topic', () => {
    expect(checkContent('hi', undefined)).toBe('none');
    expect(checkContent('hi', 'pr-42/review')).toBe('pr-42/review');
    expect(() => checkContent('é'.repeat(MAX_TEXT_BYTES / 2 + 1), 'ok')).toThrow(/over the \d+-byte limit/);
    expect(() => checkContent(' \n', 'ok')).toThrow(/the message is empty/);
    expect(() => checkContent('hi', 'two words')).toThrow(/invalid topic/);
  });
});
