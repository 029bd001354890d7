// registry: 16 concurrent writer processes × 50 upserts (throughput, p99 lock wait); adds: 32
// concurrent loops × 20 `iapeer add` on one home (how many succeed, p50/p99 of one call).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Home, type Section, cleanup, cli, collect, makeHome, median, percentile, repo, round, timeNodeNoop } from './kit.js';

const WRITERS = 16;
const UPSERTS = 50;
const ADD_LOOPS = 32;
const ADDS_EACH = 20;

async function benchRegistry(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const goFile = join(home.dir, 'go');
    const writer = join(repo, 'test', 'fixtures', 'registry-writer.ts');
    const children = Array.from({ length: WRITERS }, (_, index) =>
      spawn(process.execPath, ['--import', 'tsx', writer, home.dir, String(index), String(UPSERTS), goFile], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const outputs = children.map(collect);
    // Wait until every writer has started, then release them all at one moment.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolvePromise) => {
            const onData = (chunk: Buffer) => {
              if (chunk.toString().includes('ready')) {
                child.stdout?.off('data', onData);
                resolvePromise();
              }
            };
            child.stdout?.on('data', onData);
          }),
      ),
    );
    const startAt = Date.now() + 200;
    writeFileSync(goFile, String(startAt));
    const results = (await Promise.all(outputs)).map((out) => JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { lockWaitMs: number[] });
    const elapsedMs = Date.now() - startAt;
    const waits = results.flatMap((result) => result.lockWaitMs);
    const upserts = WRITERS * UPSERTS;
    if (waits.length !== upserts) throw new Error(`expected ${upserts} timings, got ${waits.length}`);
    return {
      writers: WRITERS,
      upserts,
      elapsedMs,
      upsertsPerSecond: round(upserts / (elapsedMs / 1000)),
      lockWaitP50Ms: median(waits),
      lockWaitP99Ms: percentile(waits, 99),
      lockWaitMaxMs: Math.max(...waits),
    };
  } finally {
    cleanup(home);
  }
}

function timedAdd(home: Home, name: string): Promise<{ ms: number; ok: boolean; stderr: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'add', name, '--runtime', 'demo', '--cwd', home.dir], { env: home.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolvePromise({ ms: performance.now() - started, ok: code === 0, stderr }));
  });
}

async function benchAdds(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const noop = Array.from({ length: 5 }, timeNodeNoop);
    const started = performance.now();
    const calls = (
      await Promise.all(
        Array.from({ length: ADD_LOOPS }, async (_, loop) => {
          const results = [];
          for (let n = 0; n < ADDS_EACH; n++) results.push(await timedAdd(home, `a${loop}-${n}`));
          return results;
        }),
      )
    ).flat();
    const elapsedMs = performance.now() - started;
    const failed = calls.filter((call) => !call.ok);
    if (failed.length > 0) console.error(`adds: ${failed.length} failed, e.g. ${failed[0]?.stderr.trim()}`);
    const times = calls.map((call) => call.ms);
    return {
      loops: ADD_LOOPS,
      addsEach: ADDS_EACH,
      calls: calls.length,
      succeeded: calls.length - failed.length,
      noticed: calls.filter((call) => call.ok && call.stderr.includes('waiting for')).length,
      elapsedMs: round(elapsedMs),
      nodeNoopMedianMs: round(median(noop)),
      p50Ms: round(median(times)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(Math.max(...times)),
    };
  } finally {
    cleanup(home);
  }
}

export const registrySection: Section = {
  run: benchRegistry,
  rows: (registry) => [
    [`registry ${WRITERS} writers × ${UPSERTS} upserts`, `${registry['upsertsPerSecond']} upserts/s`, 'report', ''],
    ['registry lock wait p99', `${registry['lockWaitP99Ms']} ms`, 'report', ''],
  ],
};

export const addsSection: Section = {
  run: benchAdds,
  rows: (adds) => [
    [`${ADD_LOOPS} × ${ADDS_EACH} concurrent iapeer add: succeeded`, `${adds['succeeded']}/${adds['calls']}`, `${adds['calls']}/${adds['calls']}`, adds['succeeded'] === adds['calls'] ? 'ok' : 'MISSED'],
    ['concurrent add: wall time per call p50 / p99', `${adds['p50Ms']} / ${adds['p99Ms']} ms`, 'report', `all in ${round((adds['elapsedMs'] ?? 0) / 1000)} s`],
  ],
};
