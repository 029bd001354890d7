// `iapeer log` and `iapeer log --follow` while several processes append and rotate the
// log many times: no line is printed twice, none is skipped, each writer's in order.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { allExited, exited, releaseTogether, spawnFixture } from '../../../helpers/fixtures.js';

const WRITERS = 4;
const LINES_EACH = 1500;
// Small files, many rotations; enough kept that nothing is deleted.
const MAX_BYTES = 16 * 1024;
const KEEP = 1000;

const home = useHome();
let follower: ChildProcess | undefined;

afterEach(async () => {
  if (follower && follower.exitCode === null && follower.signalCode === null) {
    follower.kill('SIGKILL');
    await new Promise((resolve) => follower?.once('close', resolve));
  }
  follower = undefined;
});

/** The `id`s (`<writer>-<n>`) of JSON objects, one per line or in an array. */
function idsOf(objects: ReadonlyArray<{ id?: string }>): Array<[number, number]> {
  return objects.map((object) => {
    const [writer, n] = (object.id ?? '').split('-').map(Number);
    return [writer ?? -1, n ?? -1];
  });
}

/** Per writer, the ids in the order printed. */
function byWriter(ids: ReadonlyArray<[number, number]>): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const [writer, n] of ids) map.set(writer, [...(map.get(writer) ?? []), n]);
  return map;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, n) => n);
}

describe('iapeer log under concurrent writers and rotation', () => {
  it(
    `--follow prints each of ${WRITERS} x ${LINES_EACH} lines exactly once; a plain read mid-way is a gapless prefix of each writer`,
    async () => {
      const file = join(home.home, 'logs', 'lifecycle.log');
      const goFile = join(home.home, 'go');
      let stdout = '';
      follower = spawn(process.execPath, [CLI, 'log', '--follow', '--json'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const followerExit = new Promise<number | null>((resolve) => follower?.once('close', (code) => resolve(code)));
      let stderr = '';
      follower.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      follower.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

      const writers = Array.from({ length: WRITERS }, (_, index) =>
        spawnFixture('log-writer', [file, String(index), String(LINES_EACH), String(MAX_BYTES), String(KEEP), goFile]),
      );
      await releaseTogether(writers, goFile, 30_000);

      // Plain reads while the writers rotate: each writer's lines so far, none twice, none skipped.
      const snapshots: Array<Map<number, number[]>> = [];
      while (!writers.every(exited) || snapshots.length === 0) {
        const result = await home.run(['log', '--json']);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toBe('');
        snapshots.push(byWriter(idsOf(JSON.parse(result.stdout) as Array<{ id?: string }>)));
      }
      await allExited(writers, 'the log writers to finish', 60_000);
      for (const snapshot of snapshots) {
        for (const [, ns] of snapshot) expect(ns).toEqual(range(ns.length));
      }

      const total = WRITERS * LINES_EACH;
      await waitFor(() => stdout.split('\n').length - 1 >= total, `${total} lines from --follow`, scaled(60_000));
      follower.kill('SIGINT');
      expect(await followerExit).toBe(0);
      expect(stderr).toBe('');
      const followed = byWriter(idsOf(stdout.trimEnd().split('\n').map((text) => JSON.parse(text) as { id?: string })));
      expect([...followed.keys()].sort()).toEqual(range(WRITERS));
      for (const [, ns] of followed) expect([...ns].sort((a, b) => a - b)).toEqual(range(LINES_EACH));
      console.log(`log --follow: ${total} lines over ${snapshots.length} plain reads during the writes`);
    },
    testTimeoutFor(120_000),
  );
});
