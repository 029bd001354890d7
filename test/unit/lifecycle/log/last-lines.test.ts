import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastLogLines } from '../../../../src/lifecycle/log/last-lines.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iap-last-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (n: number, identity: string) => `ts=2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z ev=stop identity=${identity} was=down`;

describe('lastLogLines', () => {
  it('keeps the last lines about the peer across rotated files, oldest first; other peers and junk left out', async () => {
    const file = join(dir, 'lifecycle.log');
    await writeFile(`${file}.2`, `${[1, 2, 3].map((n) => line(n, 'demo-bob')).join('\n')}\n`);
    await writeFile(`${file}.1`, `${line(4, 'demo-bob')}\nnot logfmt at all bob\n${line(5, 'demo-bobby')}\n`);
    await writeFile(file, `${line(6, 'codex-bob')}\n${line(7, 'demo-ann')}\n${line(8, 'demo-bob')}`);
    const last = await lastLogLines(file, { peer: 'bob' }, 3);
    expect(last.map((entry) => entry.line)).toEqual([line(4, 'demo-bob'), line(6, 'codex-bob'), line(8, 'demo-bob')]);
    expect(last[0]?.fields).toEqual({ ts: '2026-01-01T00:00:04.000Z', ev: 'stop', identity: 'demo-bob', was: 'down' });
    expect(await lastLogLines(file, { peer: 'demo-bob' }, 10)).toHaveLength(5);
    expect(await lastLogLines(join(dir, 'absent.log'), { peer: 'bob' }, 10)).toEqual([]);
  });
});
