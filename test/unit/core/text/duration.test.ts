import { describe, expect, it } from 'vitest';
import { parseDuration, parseIsoTime } from '../../../../src/core/text/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '90', 's', '1.5h', '-1h', '1H', '1 h', '1y', 'h1', '1hh', '1234567890s', 'yesterday'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseIsoTime', () => {
  it.each([
    ['2026-01-31T09:00:00Z', Date.UTC(2026, 0, 31, 9)],
    ['2026-01-31T09:00:00.250Z', Date.UTC(2026, 0, 31, 9, 0, 0, 250)],
    ['2026-01-31T09:00Z', Date.UTC(2026, 0, 31, 9)],
    ['2026-01-31T09:00+02:00', Date.UTC(2026, 0, 31, 7)],
    ['2026-01-31 09:00Z', Date.UTC(2026, 0, 31, 9)],
    ['2026-01-31', Date.UTC(2026, 0, 31)],
  ])('%s', (text, ms) => {
    expect(parseIsoTime(text)).toBe(ms);
  });

  it('reads a time without a zone as local time', () => {
    expect(parseIsoTime('2026-01-31T09:00')).toBe(new Date(2026, 0, 31, 9).getTime());
  });

  it.each(['2026-02-30', '2026-13-01', '2026-1-31', '31/01/2026', '2026-01-31T9:00Z', '2026-01-31T09', 'now', '1700000000'])('refuses %j', (text) => {
    expect(parseIsoTime(text)).toBeUndefined();
  });
});
