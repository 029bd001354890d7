import { mkdtemp, readdir, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../../../../src/core/message-id.js';
import { RECEIVED_KEEP_DAYS, ReceivedIds, dayOf, expiredDays } from '../../../../src/transport/queue/received-ids.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T12:00:00Z');
let root: string;
beforeEach(async () => {
  root = join(await mkdtemp(join(tmpdir(), 'iap-received-')), 'received');
});
afterEach(async () => rm(join(root, '..'), { recursive: true, force: true }));

describe('ReceivedIds', () => {
  it('holds an id once marked, under the day it arrived, and forgets it when unmarked', async () => {
    const ids = new ReceivedIds(root);
    const id = newMessageId(NOW);
    expect(await ids.holds(id)).toBe(false);
    await ids.mark(id, NOW);
    expect(await ids.holds(id)).toBe(true);
    expect(await readdir(join(root, '2026-12-07'))).toEqual([id]);
    await ids.unmark(id);
    expect(await ids.holds(id)).toBe(false);
  });

  it('keeps an id from a host whose clock is years behind: it is filed by arrival, not by the id', async () => {
    const ids = new ReceivedIds(root);
    const old = newMessageId(NOW - 3 * 365 * DAY);
    await ids.mark(old, NOW);
    expect(await ids.holds(old)).toBe(true);
  });

  it(`drops the days older than ${RECEIVED_KEEP_DAYS} when it marks`, async () => {
    const ids = new ReceivedIds(root);
    const early = newMessageId(NOW);
    await ids.mark(early, NOW - (RECEIVED_KEEP_DAYS + 1) * DAY);
    await mkdir(join(root, 'not-a-day'));
    await ids.mark(newMessageId(NOW), NOW);
    expect(await ids.holds(early)).toBe(false);
    expect((await readdir(root)).sort()).toEqual(['2026-12-07', 'not-a-day']);
  });

  it('refuses what is not a message id (no path can be made of it)', async () => {
    await expect(new ReceivedIds(root).holds('../../etc/passwd')).rejects.toThrow(/not a message id/);
  });
});

describe('expiredDays', () => {
  it('is the days before the keep window', () => {
    expect(dayOf(NOW)).toBe('2026-12-07');
    expect(expiredDays(['2026-11-06', '2026-11-07', '2026-12-07'], NOW)).toEqual(['2026-11-06']);
  });
});
