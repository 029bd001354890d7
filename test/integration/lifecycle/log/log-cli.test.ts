// `iapeer log` on the built CLI: real lifecycle lines from a demo fleet, rotated files,
// filters, JSON, and --follow ended by a signal or a closed pipe.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLine } from '../../../../src/core/text/logfmt.js';
import { type LifecycleEvent, eventFields } from '../../../../src/lifecycle/log/events.js';
import { CLI, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { scaled } from '../../../helpers/deadline.js';
import { expectError, expectOk, workDir } from '../../../helpers/fleet.js';

const home = useHome();
let logFile: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  mkdirSync(join(home.home, 'logs'), { mode: 0o700 });
  logFile = join(home.home, 'logs', 'lifecycle.log');
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
    }
  }
});

function line(ts: Date | string, event: LifecycleEvent): string {
  return formatLine(eventFields(typeof ts === 'string' ? ts : ts.toISOString(), event));
}

function logLines(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((text) => `${text}\n`).join(''), { mode: 0o600 });
}

interface Following {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<number | null>;
}

/** `iapeer log --follow …` running in the background, its output collected. */
function follow(args: readonly string[]): Following {
  const child = spawn(process.execPath, [CLI, 'log', '--follow', ...args], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const following: Following = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('close', (code) => resolve(code))),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (following.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (following.stderr += chunk));
  return following;
}

describe('iapeer log', () => {
  it('prints nothing and exits 0 without a log; --json prints []', async () => {
    expect(await home.run(['log'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await home.run(['log', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    expect(await home.run(['log', '--peer', 'boris', '--ev', 'wake', '--since', '1d'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('answers "why did boris wake fresh?" from a real fleet, by peer and by event', async () => {
    for (const name of ['boris', 'borisov']) {
      expectOk(await home.run(['add', name, '--runtime', 'demo', '--cwd', await workDir(home, name)]));
      expectOk(await home.run(['start', name]));
    }
    expectOk(await home.run(['stop', 'boris']));

    const boris = await home.run(['log', '--peer', 'boris']);
    expectOk(boris);
    const lines = boris.stdout.trimEnd().split('\n');
    expect(lines.map((text) => / ev=(\S+)/.exec(text)?.[1])).toEqual(['add', 'wake', 'start', 'stop']);
    expect(lines.every((text) => !text.includes('borisov'))).toBe(true);
    expect(lines[1]).toMatch(/^ts=\S+ ev=wake personality=boris runtime=demo mode=fresh cause=first-start session=[0-9a-f-]{36}$/);

    const byIdentity = await home.run(['log', '--peer', 'demo-boris', '--ev', 'stop']);
    expect(byIdentity.stdout).toMatch(/^ts=\S+ ev=stop identity=demo-boris was=live\n$/);

    const wakes = await home.run(['log', '--ev', 'wake', '--json']);
    expectOk(wakes);
    const objects = JSON.parse(wakes.stdout) as Array<Record<string, string>>;
    expect(objects.map((object) => object['personality'])).toEqual(['boris', 'borisov']);
    expect(Object.keys(objects[0] ?? {})).toEqual(['ts', 'ev', 'personality', 'runtime', 'mode', 'cause', 'session']);
    expect(objects[0]).toMatchObject({ ev: 'wake', runtime: 'demo', mode: 'fresh', cause: 'first-start' });
  });

  it('reads the rotated files oldest first, then the log, as written', async () => {
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n));
    logLines(`${logFile}.2`, [line(at(1), { ev: 'stop', identity: 'demo-a', was: 'live' })]);
    logLines(`${logFile}.1`, [line(at(2), { ev: 'stop', identity: 'demo-b', was: 'down' })]);
    logLines(logFile, [line(at(3), { ev: 'blocker', identity: 'demo-c', deaths: 5, window: '600s' })]);
    const result = await home.run(['log']);
    expectOk(result);
    expect(result.stdout).toBe(
      [
        'ts=2026-01-01T00:00:01.000Z ev=stop identity=demo-a was=live',
        'ts=2026-01-01T00:00:02.000Z ev=stop identity=demo-b was=down',
        'ts=2026-01-01T00:00:03.000Z ev=blocker identity=demo-c deaths=5 window=600s',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await home.run(['log', '--json', '--ev', 'blocker'])).stdout) as unknown;
    // Every value is a string, numbers included.
    expect(json).toEqual([{ ts: '2026-01-01T00:00:03.000Z', ev: 'blocker', identity: 'demo-c', deaths: '5', window: '600s' }]);
  });

  it('--since keeps the recent lines, from a duration or an ISO time', async () => {
    const now = Date.now();
    logLines(`${logFile}.1`, [line(new Date(now - 3 * 86_400_000), { ev: 'stop', identity: 'demo-old', was: 'live' })]);
    logLines(logFile, [
      line(new Date(now - 2 * 3_600_000), { ev: 'stop', identity: 'demo-two-hours', was: 'live' }),
      line(new Date(now - 60_000), { ev: 'stop', identity: 'demo-recent', was: 'live' }),
    ]);
    const identities = (stdout: string) => [...stdout.matchAll(/identity=(\S+)/g)].map((match) => match[1]);
    expect(identities((await home.run(['log', '--since', '1h'])).stdout)).toEqual(['demo-recent']);
    expect(identities((await home.run(['log', '--since', '1d'])).stdout)).toEqual(['demo-two-hours', 'demo-recent']);
    expect(identities((await home.run(['log', '--since', new Date(now - 4 * 86_400_000).toISOString()])).stdout)).toEqual([
      'demo-old',
      'demo-two-hours',
      'demo-recent',
    ]);
  });

  it('refuses bad filters with exit 2, saying what they take', async () => {
    const ev = await home.run(['log', '--ev', 'wakeup']);
    expectError(ev, 2, 'log', /--ev: unknown event "wakeup"; did you mean wake\? the events are add, attention, blocker, .*wake$/);
    expectError(await home.run(['log', '--since', 'last week']), 2, 'log', /--since: expected a duration such as 90s/);
    expectError(await home.run(['log', '--since', '2026-02-30']), 2, 'log', /--since/);
    expectError(await home.run(['log', '--peer', 'Boris!']), 2, 'log', /--peer: "Boris!" is neither a peer name/);
  });

  it('shows control characters as escapes; a line that is not logfmt is shown in text and skipped with a notice in --json', async () => {
    writeFileSync(logFile, `ts=2026-01-01T00:00:00.000Z ev=stop identity=demo-a was=live\nbroken \x1b[31mline\u2028\nts=2026-01-01T00:00:01.000Z ev=stop identity=demo-b was=live\n`, {
      mode: 0o600,
    });
    const text = await home.run(['log']);
    expectOk(text);
    expect(text.stdout.split('\n')[1]).toBe('broken \\e[31mline\\u{2028}');
    expect(text.stdout).not.toContain('\x1b');

    const json = await home.run(['log', '--json']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Array<{ identity: string }>).map((object) => object.identity)).toEqual(['demo-a', 'demo-b']);
    expect(json.stderr).toBe('iapeer: log: skipped a line that is not logfmt: broken \\e[31mline\\u{2028}\n');
  });
});

describe('iapeer log --follow', () => {
  it('prints the backlog and then new lines, holds a partial line, and exits 0 on SIGINT', async () => {
    logLines(logFile, [line(new Date(), { ev: 'stop', identity: 'demo-a', was: 'live' })]);
    const following = follow([]);
    await waitFor(() => following.stdout.includes('identity=demo-a'), 'the backlog', scaled(15_000));

    const next = line(new Date(), { ev: 'stop', identity: 'demo-b', was: 'live' });
    const partial = line(new Date(), { ev: 'stop', identity: 'demo-c', was: 'live' });
    const cut = partial.indexOf(' was=');
    appendFileSync(logFile, `${next}\n${partial.slice(0, cut)}`);
    await waitFor(() => following.stdout.includes('identity=demo-b'), 'the appended line', scaled(15_000));
    expect(following.stdout).not.toContain('demo-c');

    appendFileSync(logFile, `${partial.slice(cut)}\n`);
    await waitFor(() => following.stdout.includes('identity=demo-c'), 'the completed line', scaled(15_000));
    expect(following.stdout.trimEnd().split('\n').slice(-1)).toEqual([partial]);

    following.child.kill('SIGINT');
    expect(await following.exit).toBe(0);
    expect(following.stderr).toBe('');
  });

  it('filters, prints one JSON object per line, and exits 0 on SIGTERM', async () => {
    const following = follow(['--json', '--peer', 'alice']);
    // Nothing to wait on before the log exists: it is picked up when it appears.
    logLines(logFile, [
      line(new Date(), { ev: 'stop', identity: 'demo-bob', was: 'live' }),
      line(new Date(), { ev: 'wake', personality: 'alice', runtime: 'demo', mode: 'resume', cause: 'idle-reaped' }),
    ]);
    await waitFor(() => following.stdout.includes('\n'), 'the first object', scaled(15_000));
    const [object, ...rest] = following.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(JSON.parse(object ?? '')).toMatchObject({ ev: 'wake', personality: 'alice', mode: 'resume', cause: 'idle-reaped' });
    following.child.kill('SIGTERM');
    expect(await following.exit).toBe(0);
  });

  it('exits 0 when its reader goes away (EPIPE)', async () => {
    logLines(logFile, [line(new Date(), { ev: 'stop', identity: 'demo-a', was: 'live' })]);
    const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" log --follow | head -n 1 >/dev/null`], {
      env: home.env,
      stdio: 'ignore',
    });
    children.push(child);
    const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    let done = false;
    void exit.then(() => (done = true));
    // Lines keep coming until iapeer has written to the closed pipe and exited.
    let n = 0;
    await waitFor(
      () => {
        if (!done) appendFileSync(logFile, `${line(new Date(), { ev: 'stop', identity: `demo-x${n++}`, was: 'live' })}\n`);
        return done;
      },
      'iapeer log --follow to exit on the closed pipe',
      scaled(20_000),
      100,
    );
    expect(await exit).toBe(0);
  });
});
