import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHome } from '../../helpers/use-home.js';
import { expectError, expectOk, rowOf, workDir } from '../../helpers/fleet.js';
import { queuedFiles } from '../../fixtures/messages.js';

const home = useHome({ shared: true });
let registry: Buffer;
let cwd: string;

beforeAll(async () => {
  cwd = await workDir(home, 'boris');
  expectOk(await home.run(['add', 'boris', '--runtime', 'demo', '--cwd', cwd, '--description', 'kept as is']));
  registry = await readFile(join(home.home, 'peers.json'));
});

interface Case {
  readonly args: string[];
  readonly code: 1 | 2;
  readonly verb: string;
  readonly says: RegExp;
  readonly env?: Record<string, string>;
  readonly input?: string;
}

const cases: Case[] = [
  { args: ['add'], code: 2, verb: 'add', says: /missing required argument 'peer'/ },
  { args: ['add', 'ivan'], code: 2, verb: 'add', says: /--runtime is needed for a new peer: iapeer add ivan --runtime <runtime>…/ },
  { args: ['add', 'ivan', '--runtime', 'nope'], code: 2, verb: 'add', says: /unknown runtime "nope": known runtimes are claude, codex, demo/ },
  { args: ['add', 'ivan', '--runtime', 'Bad-Name'], code: 2, verb: 'add', says: /invalid runtime name "Bad-Name"/ },
  { args: ['add', 'ivan', '--runtime', 'demo', 'demo'], code: 2, verb: 'add', says: /too many arguments|lists a runtime twice/ },
  { args: ['add', '../x', '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name "\.\.\/x"/ },
  { args: ['add', 'a;b', '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name "a;b"/ },
  { args: ['add', 'a:b', '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name "a:b"/ },
  { args: ['add', 'a.b', '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name "a\.b"/ },
  { args: ['add', 'x'.repeat(49), '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name/ },
  { args: ['add', 'bóris', '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name "bóris"/ },
  { args: ['add', '', '--runtime', 'demo'], code: 2, verb: 'add', says: /invalid peer name ""/ },
  { args: ['add', '--runtime', 'demo', '--', '-t'], code: 2, verb: 'add', says: /invalid peer name "-t"/ },
  { args: ['add', '-t', '--runtime', 'demo'], code: 2, verb: 'add', says: /unknown option '-t'/ },
  { args: ['add', 'boris', '--runtime', 'demo', '--cwd', '/nonexistent/dir'], code: 2, verb: 'add', says: /--cwd "\/nonexistent\/dir": no such directory/ },
  { args: ['add', 'boris', '--runtime', 'demo', '--idle-timeout', 'abc'], code: 2, verb: 'add', says: /--idle-timeout "abc": expected whole seconds/ },
  { args: ['add', 'boris', '--runtime', 'demo', '--idle-timeout', '-5'], code: 2, verb: 'add', says: /idle-timeout/ },
  { args: ['add', 'boris', '--runtime', 'demo', '--description', 'd'.repeat(451)], code: 2, verb: 'add', says: /--description is 451 characters; at most 450/ },
  { args: ['add', 'boris', '--runtime', 'demo', '--bogus'], code: 2, verb: 'add', says: /unknown option '--bogus'/ },
  { args: ['start'], code: 2, verb: 'start', says: /name the peer to start, or use --all/ },
  { args: ['start', 'ghost'], code: 2, verb: 'start', says: /no peer named "ghost".*iapeer add ghost/ },
  { args: ['start', 'boris', 'codex'], code: 2, verb: 'start', says: /peer boris has no runtime "codex" \(it has: demo\)/ },
  { args: ['start', 'boris', 'Nope!'], code: 2, verb: 'start', says: /invalid runtime name/ },
  { args: ['stop'], code: 2, verb: 'stop', says: /name the peer to stop, or use --all/ },
  { args: ['stop', 'ghost'], code: 2, verb: 'stop', says: /no peer named "ghost"/ },
  { args: ['stop', 'boris', '--all'], code: 2, verb: 'stop', says: /not both/ },
  { args: ['remove'], code: 2, verb: 'remove', says: /missing required argument 'peer'/ },
  { args: ['remove', '../etc'], code: 2, verb: 'remove', says: /invalid peer name/ },
  { args: ['attach'], code: 2, verb: 'attach', says: /missing required argument 'peer'/ },
  { args: ['attach', 'boris'], code: 2, verb: 'attach', says: /attach needs a terminal/ },
  { args: ['interrupt'], code: 2, verb: 'interrupt', says: /missing required argument 'peer'/ },
  { args: ['interrupt', 'ghost'], code: 2, verb: 'interrupt', says: /no peer named "ghost"/ },
  { args: ['interrupt', 'boris'], code: 1, verb: 'interrupt', says: /demo-boris is not live; start it with: iapeer start boris/ },
  { args: ['compact'], code: 2, verb: 'compact', says: /missing required argument 'peer'/ },
  { args: ['compact', 'boris', 'claude'], code: 2, verb: 'compact', says: /has no runtime "claude"/ },
  { args: ['compact', 'boris'], code: 1, verb: 'compact', says: /not live/ },
  { args: ['send', 'boris', '--message', ''], code: 2, verb: 'send', says: /the message is empty \(or only white space\): nothing was sent or queued/ },
  { args: ['send', 'boris', '--message', ' \n\t\r\n '], code: 2, verb: 'send', says: /the message is empty/ },
  { args: ['send', 'boris', '--message', '\x07\x1b\x7f'], code: 2, verb: 'send', says: /the message is empty/ },
  { args: ['send', 'boris', '--message-file', '-'], input: '\n\n', code: 2, verb: 'send', says: /the message is empty/ },
  { args: ['list', '--bogus'], code: 2, verb: 'list', says: /unknown option '--bogus'/ },
  { args: ['frobnicate'], code: 2, verb: 'frobnicate', says: /"frobnicate" is neither a verb nor a runtime \(runtimes: claude, codex, demo\)/ },
  { args: ['Frob'], code: 2, verb: 'Frob', says: /invalid runtime name "Frob"/ },
  { args: ['demo', '--detach', '--name', 'Bad Name'], code: 2, verb: 'demo', says: /invalid peer name "Bad Name"/ },
  { args: ['list'], code: 2, verb: 'list', says: /IAPEER_IDLE_TIMEOUT_S: expected whole seconds.*got "abc"/, env: { IAPEER_IDLE_TIMEOUT_S: 'abc' } },
  { args: ['start', 'boris'], code: 2, verb: 'start', says: /IAPEER_SUPERVISE_INTERVAL_MS/, env: { IAPEER_SUPERVISE_INTERVAL_MS: '10s' } },
  { args: ['add', 'ivan', '--runtime', 'demo'], code: 2, verb: 'add', says: /IAPEER_LOG_LEVEL: expected debug, info, warn, error, fatal/, env: { IAPEER_LOG_LEVEL: 'loud' } },
  { args: ['stop', 'boris'], code: 2, verb: 'stop', says: /IAPEER_HOME: expected an absolute path/, env: { IAPEER_HOME: 'relative/home' } },
  { args: ['list'], code: 2, verb: 'list', says: /IAPEER_LIFECYCLE_LOG_KEEP/, env: { IAPEER_LIFECYCLE_LOG_KEEP: '0' } },
  { args: ['list'], code: 2, verb: 'list', says: /IAPEER_SUPERVISE_LOG_VERBOSE/, env: { IAPEER_SUPERVISE_LOG_VERBOSE: 'maybe' } },
  { args: ['list'], code: 2, verb: 'list', says: /IAPEER_IDLE_TIMEOUT_S: is set but empty/, env: { IAPEER_IDLE_TIMEOUT_S: '' } },
  { args: ['add', 'boris', '--runtime', 'demo', '--idle-timeout', '31536001'], code: 2, verb: 'add', says: /--idle-timeout "31536001"/ },
];

describe('bad input gets one clear line and changes nothing', () => {
  it.each(cases)('iapeer $args.0 $args.1 $args.2 → exit $code', async ({ args, code, verb, says, env, input }) => {
    const result = await home.run(args, { ...(env ? { env } : {}), ...(input === undefined ? {} : { input }) });
    expectError(result, code, verb, says);
    expect(await readFile(join(home.home, 'peers.json'))).toEqual(registry);
    expect((await readdir(home.home)).filter((name) => name.includes('.tmp') || name.endsWith('.lock'))).toEqual([]);
    expect(await queuedFiles(home)).toEqual([]);
    expect(await rowOf(home, 'demo-boris')).toMatchObject({ state: 'down' });
  });

  it('no stack trace unless IAPEER_DEBUG=1', async () => {
    const quiet = await home.run(['start', 'ghost']);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const loud = await home.run(['start', 'ghost'], { env: { IAPEER_DEBUG: '1' } });
    expect(loud.code).toBe(2);
    expect(loud.stderr).toMatch(/\n\s+at /);
  });

  it('help and version exit 0 on stdout', async () => {
    const help = await home.run(['--help']);
    expect(help.code).toBe(0);
    for (const verb of ['add', 'list', 'start', 'stop', 'remove', 'attach', 'interrupt', 'compact', 'self-fresh']) {
      expect(help.stdout).toContain(verb);
    }
    const verbHelp = await home.run(['start', '--help']);
    expect(verbHelp.code).toBe(0);
    expect(verbHelp.stdout).toMatch(/Usage: iapeer start/);
    const version = await home.run(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
