import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/core/errors.js';
import { isCrossedFrom, isRemoteQueue, parseCrossing } from '../../../../src/transport/queue/crossing.js';

const good = { version: 1, id: '0mx9krfx0000-abc-000001', target: 'boris', from: 'claude-a@laptop', topic: 'none', body: 'hi', noWake: false };

describe('parseCrossing', () => {
  it('reads what another host sends', () => {
    expect(parseCrossing(JSON.stringify(good))).toEqual(good);
    expect(parseCrossing(JSON.stringify({ ...good, target: 'claude-boris', from: 'operator@build-2' })).target).toBe('claude-boris');
  });

  it.each([
    ['not JSON', 'nope', /expected one JSON message/],
    ['a bad id', JSON.stringify({ ...good, id: '../x' }), /id: expected a message id/],
    ['a target with a host', JSON.stringify({ ...good, target: 'boris@h2' }), /target: expected a peer or an identity/],
    ['a sender without a host', JSON.stringify({ ...good, from: 'claude-a' }), /from: expected <identity>@<host>/],
    ['a sender from "local"', JSON.stringify({ ...good, from: 'claude-a@local' }), /from: /],
    ['an unknown field', JSON.stringify({ ...good, extra: 1 }), /receive: /],
  ])('refuses %s (exit 2)', (_what, text, message) => {
    expect(() => parseCrossing(text)).toThrow(UsageError);
    expect(() => parseCrossing(text)).toThrow(message);
  });
});

describe('names', () => {
  it('tells a queue for another host from an identity, and a crossed sender', () => {
    expect(isRemoteQueue('boris@build')).toBe(true);
    expect(isRemoteQueue('claude-boris')).toBe(false);
    expect(isCrossedFrom('operator@build')).toBe(true);
    expect(isCrossedFrom('claude-a@Build')).toBe(false);
    expect(isCrossedFrom('@build')).toBe(false);
  });
});
