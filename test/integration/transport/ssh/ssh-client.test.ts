import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SshClient } from '../../../../src/transport/ssh/ssh-client.js';
import { CLI } from '../../../helpers/cli.js';
import { testTimeoutFor } from '../../../helpers/deadline.js';
import { type Sshd, startSshd } from '../../../helpers/sshd.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
}, testTimeoutFor(20_000));
afterAll(async () => {
  await sshd?.cleanup();
});

const dir = useTempDir('iap-sshc-');
let stopped: number[] = [];
let client: SshClient | undefined;
afterEach(async () => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  stopped = [];
  await client?.endMaster();
  client = undefined;
});

function clientIn(controlDir: string): SshClient {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return new SshClient({ bin: sshd.sshBin, env }, { user: undefined, host: '127.0.0.1', port: sshd.port, controlPath: join(controlDir, 'c'.repeat(40)), connectTimeoutS: 10 });
}

/** The sshd processes serving the connections to the test's server (not its listener). */
function serverSidePids(): number[] {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( sport = :${sshd.port} )`], { encoding: 'utf8' });
  return [...out.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
}

const ECHO = { iapeer: [process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'], args: ["it's", '$HOME', 'a b'] };

describe('SshClient against a real sshd', () => {
  it('answers through the master with the remote output and exit code as they are', async () => {
    client = clientIn(dir());
    const result = await client.run(ECHO, { timeoutMs: 30_000 });
    expect(result).toMatchObject({ code: 0, reached: true, stdout: JSON.stringify(["it's", '$HOME', 'a b']) });
    const failing = await client.run({ iapeer: [process.execPath, CLI], args: ['no-such-verb'] }, { timeoutMs: 30_000 });
    expect(failing.reached).toBe(true);
    expect(failing.code).toBe(2);
    expect(failing.lastLine).toMatch(/^iapeer: /);
  }, testTimeoutFor(30_000));

  it('a call that hangs on a dead link ends the master and, never having started, runs once on a new one', async () => {
    client = clientIn(dir());
    expect((await client.run(ECHO, { timeoutMs: 30_000 })).code).toBe(0);
    // The server side of the master's connection stops answering; its listener still accepts.
    stopped = serverSidePids();
    expect(stopped.length).toBeGreaterThan(0);
    for (const pid of stopped) process.kill(pid, 'SIGSTOP');
    const result = await client.run(ECHO, { timeoutMs: 3000 });
    expect(result).toMatchObject({ code: 0, reached: true, stdout: JSON.stringify(["it's", '$HOME', 'a b']) });
  }, testTimeoutFor(40_000));

  it('says why when there is nobody to connect to, with the last line ssh printed', async () => {
    const nowhere = new SshClient({ bin: sshd.sshBin, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } }, { user: undefined, host: '127.0.0.1', port: 1, controlPath: join(dir(), 'd'.repeat(40)), connectTimeoutS: 5 });
    const result = await nowhere.run(ECHO, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 255, reached: false, lastLine: 'ssh: connect to host 127.0.0.1 port 1: Connection refused' });
  }, testTimeoutFor(20_000));
});
