// The notifier's queue and its following of a real lifecycle log in a temp dir; the command
// it runs is a seam here (test/integration/daemon/notify.test.ts runs real ones in a daemon).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoundedResult, BoundedRun } from '../../../src/core/process/run-bounded.js';
import type { Notice } from '../../../src/daemon/notice.js';
import { Notifier, type NotifierOptions } from '../../../src/daemon/notifier.js';
import { LifecycleLog } from '../../../src/lifecycle/log/lifecycle-log.js';
import { waitFor } from '../../helpers/cli.js';
import { scaled } from '../../helpers/deadline.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const dir = useTempDir('iapeer-notifier-');
const logFile = () => join(dir(), 'logs', 'lifecycle.log');
const ARGV = ['notify-me', '--now'];

/** A stand-in command: each run waits until the test ends it (or the notifier's stop aborts it). */
class Commands {
  readonly runs: BoundedRun[] = [];
  running = 0;
  most = 0;
  private readonly pending: Array<(result: BoundedResult) => void> = [];

  readonly run = (run: BoundedRun): Promise<BoundedResult> => {
    this.runs.push(run);
    this.running++;
    this.most = Math.max(this.most, this.running);
    return new Promise((resolve) => {
      const done = (result: BoundedResult) => {
        this.running--;
        resolve(result);
      };
      this.pending.push(done);
      run.signal?.addEventListener('abort', () => done({ kind: 'aborted' }), { once: true });
    });
  };

  /** Ends the oldest run still going. */
  finish(result: BoundedResult = { kind: 'exited', code: 0, lastStderr: undefined }): void {
    const done = this.pending.shift();
    if (done === undefined) throw new Error('no command is running');
    done(result);
  }

  identities(): string[] {
    return this.runs.map((run) => run.env['IAPEER_EVENT_IDENTITY'] ?? '');
  }
}

const notifiers: Notifier[] = [];
const followErrors: unknown[] = [];
afterEach(async () => {
  for (const notifier of notifiers.splice(0)) await notifier.stop(0);
  expect(followErrors.splice(0)).toEqual([]);
});

function notifierWith(commands: Commands, options: Partial<NotifierOptions> = {}): Notifier {
  const notifier = new Notifier({
    argv: ARGV,
    lifecycleLog: new LifecycleLog(logFile(), { maxBytes: 1 << 20, keep: 2 }),
    env: { PATH: '/usr/bin:/bin', KEPT: 'yes' },
    sinceMs: Date.now(),
    onError: (error) => followErrors.push(error),
    run: commands.run,
    pollMs: 10,
    ...options,
  });
  notifiers.push(notifier);
  return notifier;
}

const notice = (identity: string): Notice => ({ event: 'attention', identity, reason: 'dialog', message: `${identity} asks` });

function notifyLines(): string[] {
  let text = '';
  try {
    text = readFileSync(logFile(), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line.includes(' ev=notify '));
}

const ranFor = async (commands: Commands, count: number) => waitFor(() => commands.runs.length >= count, `${count} runs`, scaled(10_000), 5);

describe('Notifier', () => {
  it('runs the command for each episode opened and each blocker logged since its start, with the event in its environment', async () => {
    const before = new LifecycleLog(logFile(), { maxBytes: 1 << 20, keep: 2, now: () => new Date(Date.now() - 60_000) });
    await before.write({ ev: 'attention', identity: 'demo-old', reason: 'dialog', msg: 'from before the start' });
    const commands = new Commands();
    const notifier = notifierWith(commands);
    notifier.start();
    const log = new LifecycleLog(logFile(), { maxBytes: 1 << 20, keep: 2 });
    await log.write({ ev: 'attention', identity: 'demo-ann', reason: 'permission', msg: 'may I run it?' });
    await log.write({ ev: 'attention', identity: 'demo-ann', action: 'cleared' });
    await log.write({ ev: 'stop', identity: 'demo-ann', was: 'live' });
    await log.write({ ev: 'blocker', identity: 'crashy-cy', deaths: 5, window: '600s' });
    await ranFor(commands, 1);
    commands.finish();
    await ranFor(commands, 2);
    commands.finish({ kind: 'exited', code: 3, lastStderr: 'no display' });
    await waitFor(() => notifyLines().length === 2, 'two ev=notify lines', scaled(10_000), 5);

    expect(commands.runs.map((run) => run.argv)).toEqual([ARGV, ARGV]);
    expect(commands.runs.map((run) => run.timeoutMs)).toEqual([10_000, 10_000]);
    expect(commands.runs[0]?.env).toEqual({
      PATH: '/usr/bin:/bin',
      KEPT: 'yes',
      IAPEER_EVENT: 'attention',
      IAPEER_EVENT_IDENTITY: 'demo-ann',
      IAPEER_EVENT_REASON: 'permission',
      IAPEER_EVENT_MESSAGE: 'may I run it?',
    });
    expect(commands.runs[1]?.env).toMatchObject({
      IAPEER_EVENT: 'blocker',
      IAPEER_EVENT_IDENTITY: 'crashy-cy',
      IAPEER_EVENT_REASON: 'crash-loop',
      IAPEER_EVENT_MESSAGE: '5 deaths in 600s',
    });
    expect(notifyLines().map((line) => line.replace(/^ts=\S+ /, ''))).toEqual([
      'ev=notify identity=demo-ann event=attention outcome=sent',
      'ev=notify identity=crashy-cy event=blocker reason="exit 3: no display" outcome=failed',
    ]);
    expect(await notifier.stop(1000)).toBe(true);
  });

  it('one command at a time, in the order the notices came', async () => {
    const commands = new Commands();
    const notifier = notifierWith(commands);
    for (const identity of ['demo-a', 'demo-b', 'demo-c', 'demo-d']) notifier.offer(notice(identity));
    for (let count = 1; count <= 4; count++) {
      await ranFor(commands, count);
      expect(commands.running).toBe(1);
      commands.finish();
    }
    await waitFor(() => notifyLines().length === 4, 'four ev=notify lines', scaled(10_000), 5);
    expect(commands.most).toBe(1);
    expect(commands.identities()).toEqual(['demo-a', 'demo-b', 'demo-c', 'demo-d']);
  });

  it('past the bound of waiting notices the oldest waiting are dropped, each logged; the rest run in order', async () => {
    const commands = new Commands();
    const notifier = notifierWith(commands, { maxWaiting: 3 });
    notifier.offer(notice('demo-running'));
    await ranFor(commands, 1);
    for (const identity of ['demo-1', 'demo-2', 'demo-3', 'demo-4', 'demo-5']) notifier.offer(notice(identity));
    await waitFor(() => notifyLines().length === 2, 'the drops logged', scaled(10_000), 5);
    expect(notifyLines().map((line) => line.replace(/^ts=\S+ /, ''))).toEqual([
      'ev=notify identity=demo-1 event=attention reason="dropped: more than 3 waiting" outcome=failed',
      'ev=notify identity=demo-2 event=attention reason="dropped: more than 3 waiting" outcome=failed',
    ]);
    for (let count = 1; count <= 4; count++) {
      await ranFor(commands, count);
      commands.finish();
    }
    expect(commands.identities()).toEqual(['demo-running', 'demo-3', 'demo-4', 'demo-5']);
  });

  it('a seam that throws is a failure logged, and the next notice still runs', async () => {
    const runs: string[] = [];
    const notifier = notifierWith(new Commands(), {
      run: (run) => {
        runs.push(run.env['IAPEER_EVENT_IDENTITY'] ?? '');
        if (runs.length === 1) return Promise.reject(new Error('cannot fork'));
        return Promise.resolve({ kind: 'exited', code: 0, lastStderr: undefined });
      },
    });
    notifier.offer(notice('demo-a'));
    notifier.offer(notice('demo-b'));
    await waitFor(() => notifyLines().length === 2, 'two ev=notify lines', scaled(10_000), 5);
    expect(runs).toEqual(['demo-a', 'demo-b']);
    expect(notifyLines()[0]).toMatch(/ identity=demo-a event=attention reason="Error: cannot fork" outcome=failed$/);
    expect(notifyLines()[1]).toMatch(/ identity=demo-b event=attention outcome=sent$/);
  });

  it('stop: idle, at once; with a command hanging, it is aborted within the budget, and what never ran is logged', async () => {
    const idle = notifierWith(new Commands());
    idle.start();
    let asked = Date.now();
    expect(await idle.stop(2500)).toBe(true);
    expect(Date.now() - asked).toBeLessThan(scaled(1000));

    const commands = new Commands();
    const notifier = notifierWith(commands);
    notifier.start();
    for (const identity of ['demo-hung', 'demo-next', 'demo-last']) notifier.offer(notice(identity));
    await ranFor(commands, 1);
    asked = Date.now();
    expect(await notifier.stop(1500)).toBe(false);
    expect(Date.now() - asked).toBeLessThan(scaled(1500) + 500);
    expect(commands.runs[0]?.signal?.aborted).toBe(true);
    expect(commands.runs).toHaveLength(1);
    expect(notifyLines().map((line) => line.replace(/^ts=\S+ /, ''))).toEqual([
      'ev=notify identity=demo-hung event=attention reason="stopped with the daemon" outcome=failed',
      'ev=notify identity=demo-next event=attention reason="not run: the daemon stopped" outcome=failed',
      'ev=notify identity=demo-last event=attention reason="not run: the daemon stopped" outcome=failed',
    ]);
    notifier.offer(notice('demo-after'));
    expect(commands.runs).toHaveLength(1);
  });
});
