import { appendFileSync, closeSync, mkdirSync, openSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLog } from '../../../../src/lifecycle/log/follow-log.js';
import { rotateLog } from '../../../../src/lifecycle/log/rotate-log.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-log-follow-');
const file = () => join(dir(), 'logs', 'lifecycle.log');

beforeEach(() => {
  mkdirSync(join(dir(), 'logs'));
});

function lines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, n) => `${prefix}-${n}\n`).join('');
}

/** Pulls batches from a follower until `want` lines arrived (or the deadline passed). */
class Follower {
  readonly seen: string[] = [];
  private readonly controller = new AbortController();
  private readonly iterator: AsyncGenerator<readonly string[]>;

  constructor() {
    this.iterator = followLog(file(), { signal: this.controller.signal, pollMs: 10, retireMs: 60_000 });
  }

  async until(want: number, timeoutMs = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen.length < want) {
      if (Date.now() > deadline) throw new Error(`timed out with ${this.seen.length} of ${want} lines: ${this.seen.slice(-3).join(' | ')}`);
      const next = await this.iterator.next();
      if (next.done === true) throw new Error('follower ended');
      this.seen.push(...next.value);
    }
    return this.seen;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.iterator.return(undefined);
  }
}

describe('followLog', () => {
  let follower: Follower | undefined;

  afterEach(async () => {
    await follower?.stop();
    follower = undefined;
  });

  it('prints the backlog, then lines as they are appended', async () => {
    writeFileSync(`${file()}.1`, lines('r', 2));
    writeFileSync(file(), lines('a', 2));
    follower = new Follower();
    expect(await follower.until(4)).toEqual(['r-0', 'r-1', 'a-0', 'a-1']);
    appendFileSync(file(), 'b-0\n');
    expect(await follower.until(5)).toEqual(['r-0', 'r-1', 'a-0', 'a-1', 'b-0']);
  });

  it('holds back a partial last line until its newline is written', async () => {
    writeFileSync(file(), 'whole\nhalf');
    follower = new Follower();
    expect(await follower.until(1)).toEqual(['whole']);
    appendFileSync(file(), '-done\nnext\n');
    expect(await follower.until(3)).toEqual(['whole', 'half-done', 'next']);
  });

  it('waits for a log that does not exist yet', async () => {
    rmSync(join(dir(), 'logs'), { recursive: true });
    follower = new Follower();
    const waiting = follower.until(2);
    mkdirSync(join(dir(), 'logs'));
    writeFileSync(file(), lines('first', 2));
    expect(await waiting).toEqual(['first-0', 'first-1']);
  });

  it('follows across rotations: the rest of the old file, the files rotated in since, then the new log', async () => {
    writeFileSync(file(), lines('a', 1));
    follower = new Follower();
    expect(await follower.until(1)).toEqual(['a-0']);
    // Several rotations before the follower looks again: written under the rename lock as the writer does.
    appendFileSync(file(), lines('a-late', 1));
    await rotateLog(file(), { maxBytes: 0, keep: 5 });
    writeFileSync(file(), lines('b', 2));
    await rotateLog(file(), { maxBytes: 0, keep: 5 });
    writeFileSync(file(), lines('c', 2));
    expect(await follower.until(6)).toEqual(['a-0', 'a-late-0', 'b-0', 'b-1', 'c-0', 'c-1']);
    appendFileSync(file(), 'c-2\n');
    expect(await follower.until(7)).toEqual(['a-0', 'a-late-0', 'b-0', 'b-1', 'c-0', 'c-1', 'c-2']);
  });

  it('still reads a file rotated away for a writer that opened it before the rename', async () => {
    writeFileSync(file(), lines('a', 1));
    follower = new Follower();
    await follower.until(1);
    const late = openSync(file(), 'a');
    try {
      renameSync(file(), `${file()}.1`);
      writeFileSync(file(), 'b-0\n');
      expect(await follower.until(2)).toEqual(['a-0', 'b-0']);
      // The follower has moved on to the new log and looked at it again since.
      appendFileSync(file(), 'b-1\n');
      expect(await follower.until(3)).toEqual(['a-0', 'b-0', 'b-1']);
      writeSync(late, 'a-late\n');
    } finally {
      closeSync(late);
    }
    expect(await follower.until(4)).toEqual(['a-0', 'b-0', 'b-1', 'a-late']);
  });

  it('keeps following a rotation that left no current log yet', async () => {
    writeFileSync(file(), lines('a', 1));
    follower = new Follower();
    await follower.until(1);
    renameSync(file(), `${file()}.1`);
    appendFileSync(`${file()}.1`, 'a-1\n');
    expect(await follower.until(2)).toEqual(['a-0', 'a-1']);
    writeFileSync(file(), 'b-0\n');
    expect(await follower.until(3)).toEqual(['a-0', 'a-1', 'b-0']);
  });

  it('reads a log truncated in place from its start', async () => {
    writeFileSync(file(), lines('a', 3));
    follower = new Follower();
    await follower.until(3);
    truncateSync(file(), 0);
    appendFileSync(file(), 'b-0\n');
    expect(await follower.until(4)).toEqual(['a-0', 'a-1', 'a-2', 'b-0']);
  });

  it('does not replay older files when the followed log is deleted and recreated', async () => {
    writeFileSync(`${file()}.1`, lines('old', 1));
    writeFileSync(file(), lines('a', 1));
    follower = new Follower();
    await follower.until(2);
    rmSync(file());
    writeFileSync(file(), 'b-0\n');
    expect(await follower.until(3)).toEqual(['old-0', 'a-0', 'b-0']);
  });

  it('ends when its signal aborts', async () => {
    writeFileSync(file(), lines('a', 1));
    const controller = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const batch of followLog(file(), { signal: controller.signal, pollMs: 10 })) {
        got.push(...batch);
        controller.abort();
      }
    })();
    await done;
    expect(got).toEqual(['a-0']);
  });
});
