import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLI, type CliResult } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { expectError, expectOk, workDir } from '../../helpers/fleet.js';

const isRoot = process.getuid?.() === 0;
/** Far longer than a CLI call takes on a loaded box, far shorter than forever. */
const NO_HANG_MS = 30_000;

const home = useHome();
let cwd: string;

beforeEach(async () => {
  cwd = await workDir(home, 'ada');
});

/** Runs the built CLI, killing it if it has not returned in NO_HANG_MS; `hung` says it had to be. */
function runBounded(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult & { hung: boolean }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...home.env, ...env }, encoding: 'utf8', timeout: NO_HANG_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const hung = error?.killed === true;
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, hung });
      },
    );
    child.stdin?.end();
  });
}

const at = (...parts: string[]) => join(home.home, ...parts);

/** A runtime whose command leaves a trace if it is ever run. */
function writeTracingRuntimes(trace: string): void {
  const runtimes = { runtimes: { evil: { fresh: ['sh', '-c', `touch ${trace}; exec sleep 600`] } } };
  writeFileSync(at('runtimes.json'), JSON.stringify(runtimes), { mode: 0o600 });
}

describe('a home another user can change is refused', () => {
  it.skipIf(!isRoot)('owned by another user, 0777, with their runtimes.json: start runs nothing (run as root)', async () => {
    const trace = join(cwd, 'ran-as-root');
    writeTracingRuntimes(trace);
    expectOk(await home.run(['add', 'ada', '--runtime', 'evil', '--cwd', cwd]));
    chownSync(at('runtimes.json'), 65534, 65534);
    chownSync(home.home, 65534, 65534);
    chmodSync(home.home, 0o777);

    const start = await runBounded(['start', 'ada']);
    expectError(start, 1, 'start');
    expect(start.stderr).toContain(
      `iapeer home ${home.home} is owned by uid 65534, not you (uid 0), so its owner could change what iapeer runs; run: chown 0 ${home.home}`,
    );
    expect(existsSync(trace)).toBe(false);
    expect(existsSync(home.sockDir)).toBe(false);
    expectError(await runBounded(['list']), 1, 'list', /is owned by uid 65534/);
  });

  it('a world-writable home: list and start say which chmod to run; 0755 is fine', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    chmodSync(home.home, 0o777);
    const message = `iapeer home ${home.home} has mode 0777, writable by other users; run: chmod 700 ${home.home}`;
    expectError(await runBounded(['list']), 1, 'list', new RegExp(`: ${escape(message)}$`));
    expectError(await runBounded(['start', 'ada']), 1, 'start', /has mode 0777/);
    expectError(await runBounded(['add', 'bob', '--runtime', 'demo', '--cwd', cwd]), 1, 'add', /has mode 0777/);
    expect(readFileSync(at('peers.json'), 'utf8')).not.toContain('bob');

    chmodSync(home.home, 0o755);
    expectOk(await runBounded(['list']));
  });

  it('a group-writable runtimes.json or peers.json is refused; readable by others is fine', async () => {
    writeTracingRuntimes(join(cwd, 'trace'));
    expectOk(await home.run(['add', 'ada', '--runtime', 'evil', '--cwd', cwd]));

    chmodSync(at('runtimes.json'), 0o620);
    expectError(
      await runBounded(['start', 'ada']),
      1,
      'start',
      new RegExp(`runtimes file ${escape(at('runtimes.json'))} has mode 0620, writable by other users; run: chmod 600 `),
    );
    expect(existsSync(join(cwd, 'trace'))).toBe(false);

    chmodSync(at('peers.json'), 0o666);
    expectError(await runBounded(['list']), 1, 'list', /registry .*peers\.json has mode 0666, writable by other users; run: chmod 600 /);
    chmodSync(at('peers.json'), 0o644);
    expectOk(await runBounded(['list']));
  });

  it.skipIf(!isRoot)('a runtimes.json owned by another user is refused (run as root)', async () => {
    writeTracingRuntimes(join(cwd, 'trace'));
    expectOk(await home.run(['add', 'ada', '--runtime', 'evil', '--cwd', cwd]));
    chownSync(at('runtimes.json'), 65534, 65534);
    expectError(await runBounded(['start', 'ada']), 1, 'start', /runtimes file .* is owned by uid 65534, not you \(uid 0\).*run: chown 0 /);
    expect(existsSync(join(cwd, 'trace'))).toBe(false);
  });

  it('a world-writable state directory is refused by start and stop, and nothing is marked', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    mkdirSync(at('state'));
    chmodSync(at('state'), 0o777);
    const message = new RegExp(`directory ${escape(at('state'))} has mode 0777, writable by other users; run: chmod 700 `);
    expectError(await runBounded(['start', 'ada']), 1, 'start', message);
    expectError(await runBounded(['stop', 'ada']), 1, 'stop', message);
    expect(readdirSync(at('state'))).toEqual([]);
    expect(existsSync(home.sockDir)).toBe(false);
  });
});

describe('IAPEER_HOME and IAPEER_SOCK_DIR that are files', () => {
  it('IAPEER_HOME naming a file, or a path through one, is a usage error naming the variable', async () => {
    const file = join(cwd, 'not-a-dir');
    writeFileSync(file, 'precious\n');
    for (const value of [file, join(file, 'sub')]) {
      for (const args of [['list'], ['add', 'ada', '--runtime', 'demo', '--cwd', cwd], ['start', 'ada']]) {
        const result = await runBounded(args, { IAPEER_HOME: value, IAPEER_SOCK_DIR: home.sockDir });
        expectError(result, 2, args[0] as string, new RegExp(`IAPEER_HOME: ${escape(value)} is a .*, not a directory; point IAPEER_HOME at a directory of your own`));
      }
    }
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
  });

  it('IAPEER_SOCK_DIR naming a file is a usage error naming the variable, and nothing is marked', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    const file = join(cwd, 'not-a-dir');
    writeFileSync(file, 'precious\n');
    for (const verb of ['start', 'stop', 'interrupt']) {
      const result = await runBounded([verb, 'ada'], { IAPEER_SOCK_DIR: file });
      expectError(result, 2, verb, new RegExp(`IAPEER_SOCK_DIR: ${escape(file)} is a regular file, not a directory; point IAPEER_SOCK_DIR at a directory of your own`));
    }
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    expect(existsSync(at('state', 'demo-ada'))).toBe(false);
  });
});

describe('symlinks and special files in the home', () => {
  it('a symlinked lifecycle.log is not written through; the command still succeeds', async () => {
    mkdirSync(at('logs'), { mode: 0o700 });
    const victim = join(cwd, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, at('logs', 'lifecycle.log'));
    const result = await runBounded(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: cannot write .*lifecycle\.log: lifecycle log .* is a symlink/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(at('logs', 'lifecycle.log')).isSymbolicLink()).toBe(true);
    expect(readFileSync(at('peers.json'), 'utf8')).toContain('"ada"');
  });

  it('a symlinked logs directory is not written through', async () => {
    const elsewhere = join(cwd, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, at('logs'));
    const result = await runBounded(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: cannot write .*: log directory .* is a symlink/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a FIFO lifecycle.log does not hang add: a warning, and the record is written', async () => {
    mkdirSync(at('logs'), { mode: 0o700 });
    execFileSync('mkfifo', [at('logs', 'lifecycle.log')]);
    const result = await runBounded(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]);
    expect(result.hung).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: cannot write .*lifecycle\.log: lifecycle log .* is a fifo/);
    expect(readFileSync(at('peers.json'), 'utf8')).toContain('"ada"');
  });

  it('a FIFO peers.json is refused by list and add at once, not waited on', async () => {
    execFileSync('mkfifo', [at('peers.json')]);
    for (const args of [['list'], ['add', 'ada', '--runtime', 'demo', '--cwd', cwd]]) {
      const result = await runBounded(args);
      expect(result.hung, `${args[0]} hung`).toBe(false);
      expectError(result, 1, args[0] as string, new RegExp(`: registry ${escape(at('peers.json'))} is a fifo, not a regular file; move it aside$`));
    }
    expect(lstatSync(at('peers.json')).isFIFO()).toBe(true);
  });

  it('a symlinked peers.json is refused, and its target left as it was', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    const target = join(cwd, 'peers-elsewhere.json');
    writeFileSync(target, readFileSync(at('peers.json')));
    const before = readFileSync(target, 'utf8');
    rmSync(at('peers.json'));
    symlinkSync(target, at('peers.json'));
    expectError(await runBounded(['list']), 1, 'list', /registry .* is a symlink; iapeer does not follow links in its home/);
    expectError(await runBounded(['add', 'bob', '--runtime', 'demo', '--cwd', cwd]), 1, 'add', /is a symlink/);
    expect(readFileSync(target, 'utf8')).toBe(before);
    expect(lstatSync(at('peers.json')).isSymbolicLink()).toBe(true);
  });

  it('a FIFO or symlinked runtimes.json is refused, not waited on or followed', async () => {
    execFileSync('mkfifo', [at('runtimes.json')]);
    const fifo = await runBounded(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]);
    expect(fifo.hung).toBe(false);
    expectError(fifo, 1, 'add', /runtimes file .*runtimes\.json is a fifo, not a regular file; move it aside/);

    rmSync(at('runtimes.json'));
    const target = join(cwd, 'runtimes-elsewhere.json');
    writeFileSync(target, JSON.stringify({ runtimes: { evil: { fresh: ['true'] } } }));
    symlinkSync(target, at('runtimes.json'));
    expectError(await runBounded(['add', 'ada', '--runtime', 'evil', '--cwd', cwd]), 1, 'add', /runtimes file .* is a symlink/);
    expect(existsSync(at('peers.json'))).toBe(false);
  });

  it('FIFO markers do not hang list; an unreadable stopped or blocked marker is still honoured', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    mkdirSync(at('state', 'demo-ada'), { recursive: true, mode: 0o700 });
    const fifos = ['stopped', 'spawned'].map((name) => at('state', 'demo-ada', name));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    const stateOf = async () => {
      const result = await runBounded(['list', '--json']);
      expect(result.hung).toBe(false);
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as Array<{ state: string; pid: number | null }>)[0];
    };
    try {
      expect(await stateOf()).toMatchObject({ state: 'stopped', pid: null });
      mkdirSync(at('state', 'demo-ada', 'blocked'));
      expect(await stateOf()).toMatchObject({ state: 'blocked', pid: null });
    } finally {
      // The home's cleanup reads the spawned marker, and would wait on a FIFO.
      rmSync(fifos[1] as string, { force: true });
    }
  });

  it('stop does not write through a symlinked stopped marker', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    const victim = join(cwd, 'victim');
    writeFileSync(victim, 'precious\n');
    mkdirSync(at('state', 'demo-ada'), { recursive: true, mode: 0o700 });
    const marker = at('state', 'demo-ada', 'stopped');
    symlinkSync(victim, marker);
    const result = await runBounded(['stop', 'ada']);
    // Refused by name, or the link replaced by a marker of its own: never written through.
    if (result.code === 0) expect(lstatSync(marker).isFile()).toBe(true);
    else expectError(result, 1, 'stop', new RegExp(escape(marker)));
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('a symlinked state directory of an identity is not written through', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    const elsewhere = join(cwd, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(at('state'), { mode: 0o700 });
    symlinkSync(elsewhere, at('state', 'demo-ada'));
    expectError(await runBounded(['stop', 'ada']), 1, 'stop', new RegExp(escape(at('state', 'demo-ada'))));
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('a refused command leaves no socket directory behind', () => {
  it('add, a refused interrupt and an unknown peer create no socket directory (nor a home)', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    expectError(await runBounded(['interrupt', 'ada']), 1, 'interrupt', /is not live/);
    expectError(await runBounded(['start', 'nobody']), 2, 'start', /no peer named "nobody"/);
    expect(existsSync(home.sockDir)).toBe(false);

    const fresh = at('fresh-home');
    expectError(await runBounded(['start', 'nobody'], { IAPEER_HOME: fresh, IAPEER_SOCK_DIR: join(fresh, 'sock') }), 2, 'start');
    expect(existsSync(fresh)).toBe(false);
  });

  it('stop with socket paths over the limit exits with the clear error and writes nothing', async () => {
    expectOk(await home.run(['add', 'ada', '--runtime', 'demo', '--cwd', cwd]));
    const log = readFileSync(at('logs', 'lifecycle.log'), 'utf8');
    const longSockDir = join(home.home, 's'.repeat(110));
    const result = await runBounded(['stop', 'ada'], { IAPEER_SOCK_DIR: longSockDir });
    expectError(result, 1, 'stop', /IAPEER_SOCK_DIR: socket path .* bytes, over the 100-byte limit of unix sockets/);
    expect(existsSync(longSockDir)).toBe(false);
    expect(existsSync(at('state', 'demo-ada'))).toBe(false);
    expect(readFileSync(at('logs', 'lifecycle.log'), 'utf8')).toBe(log);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
