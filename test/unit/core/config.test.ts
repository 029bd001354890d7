import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type Env, loadConfig } from '../../../src/core/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { hostNameFrom } from '../../../src/core/names.js';

const HOME = '/home/tester';

/** `homeDir` is explicit: a default would turn an `undefined` case into HOME. */
function configErrorOf(env: Env, homeDir: string | undefined): ConfigError {
  try {
    loadConfig(env, homeDir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('uses the documented defaults with an empty environment', () => {
    const config = loadConfig({}, HOME);
    expect(config).toEqual({
      home: '/home/tester/.iapeer',
      sockDir: '/home/tester/.iapeer/sock',
      tmuxBin: 'tmux',
      sshBin: 'ssh',
      hostName: hostNameFrom(hostname()),
      peerIdentity: undefined,
      superviseIntervalMs: 10_000,
      idleTimeoutSec: 3600,
      lifecycleLogMaxBytes: 5_242_880,
      lifecycleLogKeep: 5,
      superviseLogVerbose: false,
      logLevel: 'info',
      onAttention: null,
      noColor: false,
    });
  });

  it('derives the socket dir from IAPEER_HOME when only the home is set', () => {
    const config = loadConfig({ IAPEER_HOME: '/srv/iap' }, HOME);
    expect(config.home).toBe('/srv/iap');
    expect(config.sockDir).toBe('/srv/iap/sock');
  });

  it('does not need a home directory when IAPEER_HOME is set', () => {
    expect(loadConfig({ IAPEER_HOME: '/srv/iap' }, undefined).home).toBe('/srv/iap');
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/bin', IAPEER_UNKNOWN: 'x' }, HOME)).toEqual(loadConfig({}, HOME));
  });

  it('returns a frozen object', () => {
    const config = loadConfig({}, HOME);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { idleTimeoutSec: number }).idleTimeoutSec = 1;
    }).toThrow(TypeError);
    expect(config.idleTimeoutSec).toBe(3600);
  });
});

describe('loadConfig valid values', () => {
  it('reads every variable', () => {
    const config = loadConfig(
      {
        IAPEER_HOME: '/var/lib/iapeer',
        IAPEER_SOCK_DIR: '/tmp/iap-s',
        IAPEER_TMUX: '/opt/tmux/bin/tmux',
        IAPEER_SSH: '/opt/ssh/bin/ssh-wrapper',
        IAPEER_HOST_NAME: 'laptop',
        PEER_IDENTITY: 'claude-boris',
        IAPEER_SUPERVISE_INTERVAL_MS: '250',
        IAPEER_IDLE_TIMEOUT_S: '0',
        IAPEER_LIFECYCLE_LOG_MAX_BYTES: '4096',
        IAPEER_LIFECYCLE_LOG_KEEP: '1',
        IAPEER_SUPERVISE_LOG_VERBOSE: 'yes',
        IAPEER_LOG_LEVEL: 'debug',
        IAPEER_ON_ATTENTION: '["notify-send","iapeer"]',
        NO_COLOR: '1',
      },
      HOME,
    );
    expect(config).toEqual({
      home: '/var/lib/iapeer',
      sockDir: '/tmp/iap-s',
      tmuxBin: '/opt/tmux/bin/tmux',
      sshBin: '/opt/ssh/bin/ssh-wrapper',
      hostName: 'laptop',
      peerIdentity: 'claude-boris',
      superviseIntervalMs: 250,
      idleTimeoutSec: 0,
      lifecycleLogMaxBytes: 4096,
      lifecycleLogKeep: 1,
      superviseLogVerbose: true,
      logLevel: 'debug',
      onAttention: ['notify-send', 'iapeer'],
      noColor: true,
    });
  });

  it('normalises absolute paths', () => {
    const config = loadConfig({ IAPEER_HOME: '/srv/a/../iap/', IAPEER_SOCK_DIR: '/tmp//s/.' }, HOME);
    expect(config.home).toBe('/srv/iap');
    expect(config.sockDir).toBe('/tmp/s');
  });

  it.each([
    ['IAPEER_SUPERVISE_INTERVAL_MS', '10', 'superviseIntervalMs', 10],
    ['IAPEER_SUPERVISE_INTERVAL_MS', '86400000', 'superviseIntervalMs', 86_400_000],
    ['IAPEER_IDLE_TIMEOUT_S', '0', 'idleTimeoutSec', 0],
    ['IAPEER_IDLE_TIMEOUT_S', '90', 'idleTimeoutSec', 90],
    ['IAPEER_IDLE_TIMEOUT_S', '31536000', 'idleTimeoutSec', 31_536_000],
    ['IAPEER_LIFECYCLE_LOG_MAX_BYTES', '1048576', 'lifecycleLogMaxBytes', 1_048_576],
    ['IAPEER_LIFECYCLE_LOG_KEEP', '1000', 'lifecycleLogKeep', 1000],
    ['IAPEER_LIFECYCLE_LOG_KEEP', '007', 'lifecycleLogKeep', 7],
  ] as const)('%s=%s → %s %d', (variable, value, key, expected) => {
    expect(loadConfig({ [variable]: value }, HOME)[key]).toBe(expected);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['yes', true],
    ['on', true],
    ['TRUE', true],
    ['Yes', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['off', false],
  ] as const)('IAPEER_SUPERVISE_LOG_VERBOSE=%s → %s', (value, expected) => {
    expect(loadConfig({ IAPEER_SUPERVISE_LOG_VERBOSE: value }, HOME).superviseLogVerbose).toBe(expected);
  });

  it.each(['debug', 'info', 'warn', 'error', 'fatal'] as const)('IAPEER_LOG_LEVEL=%s', (level) => {
    expect(loadConfig({ IAPEER_LOG_LEVEL: level }, HOME).logLevel).toBe(level);
  });

  it.each(['1', '0', 'false', 'anything', ' '])('NO_COLOR=%j disables colour', (value) => {
    expect(loadConfig({ NO_COLOR: value }, HOME).noColor).toBe(true);
  });

  it.each([
    ['["notify-send"]', ['notify-send']],
    ['["/usr/local/bin/notify", "--urgent", "a b", "$HOME", "~"]', ['/usr/local/bin/notify', '--urgent', 'a b', '$HOME', '~']],
    ['  ["osascript", "-e", "display notification \\"x\\""]\n', ['osascript', '-e', 'display notification "x"']],
  ])('IAPEER_ON_ATTENTION=%s → the argv as given, nothing expanded', (value, argv) => {
    const config = loadConfig({ IAPEER_ON_ATTENTION: value }, HOME);
    expect(config.onAttention).toEqual(argv);
    expect(Object.isFrozen(config.onAttention)).toBe(true);
  });

  it('passes PEER_IDENTITY through unvalidated', () => {
    expect(loadConfig({ PEER_IDENTITY: 'not an identity' }, HOME).peerIdentity).toBe('not an identity');
  });
});

describe('loadConfig empty values', () => {
  const variables = [
    'IAPEER_HOME',
    'IAPEER_SOCK_DIR',
    'IAPEER_TMUX',
    'IAPEER_SSH',
    'IAPEER_HOST_NAME',
    'IAPEER_SUPERVISE_INTERVAL_MS',
    'IAPEER_IDLE_TIMEOUT_S',
    'IAPEER_LIFECYCLE_LOG_MAX_BYTES',
    'IAPEER_LIFECYCLE_LOG_KEEP',
    'IAPEER_SUPERVISE_LOG_VERBOSE',
    'IAPEER_LOG_LEVEL',
    'IAPEER_ON_ATTENTION',
  ];

  it.each(variables)('%s set but empty is refused, never a silent default', (variable) => {
    const error = configErrorOf({ [variable]: '' }, HOME);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(new RegExp(`^${variable}: is set but empty`));
  });

  it('an empty NO_COLOR or PEER_IDENTITY counts as unset', () => {
    expect(loadConfig({ NO_COLOR: '', PEER_IDENTITY: '' }, HOME)).toEqual(loadConfig({}, HOME));
  });
});

describe('loadConfig invalid values', () => {
  const invalid: Array<[variable: string, value: string]> = [
    ['IAPEER_IDLE_TIMEOUT_S', 'abc'],
    ['IAPEER_IDLE_TIMEOUT_S', '-1'],
    ['IAPEER_IDLE_TIMEOUT_S', '1.5'],
    ['IAPEER_IDLE_TIMEOUT_S', '1e3'],
    ['IAPEER_IDLE_TIMEOUT_S', ' 60'],
    ['IAPEER_IDLE_TIMEOUT_S', '0x10'],
    ['IAPEER_IDLE_TIMEOUT_S', '31536001'],
    ['IAPEER_IDLE_TIMEOUT_S', '60s'],
    ['IAPEER_SUPERVISE_INTERVAL_MS', '5'],
    ['IAPEER_SUPERVISE_INTERVAL_MS', '9'],
    ['IAPEER_SUPERVISE_INTERVAL_MS', '86400001'],
    ['IAPEER_SUPERVISE_INTERVAL_MS', 'fast'],
    ['IAPEER_SUPERVISE_INTERVAL_MS', '9999999999999999999'],
    ['IAPEER_LIFECYCLE_LOG_MAX_BYTES', '4095'],
    ['IAPEER_LIFECYCLE_LOG_MAX_BYTES', '5MB'],
    ['IAPEER_LIFECYCLE_LOG_KEEP', '0'],
    ['IAPEER_LIFECYCLE_LOG_KEEP', '1001'],
    ['IAPEER_LIFECYCLE_LOG_KEEP', 'five'],
    ['IAPEER_LOG_LEVEL', 'verbose'],
    ['IAPEER_LOG_LEVEL', 'trace'],
    ['IAPEER_SUPERVISE_LOG_VERBOSE', 'maybe'],
    ['IAPEER_SUPERVISE_LOG_VERBOSE', '2'],
    ['IAPEER_HOME', 'relative/path'],
    ['IAPEER_HOME', '~/.iapeer'],
    ['IAPEER_HOME', './iapeer'],
    ['IAPEER_SOCK_DIR', 'sock'],
    ['IAPEER_SOCK_DIR', '/tmp/a\0b'],
    ['IAPEER_TMUX', 'tmux\n'],
    ['IAPEER_ON_ATTENTION', 'notify-send iapeer'],
    ['IAPEER_ON_ATTENTION', '"notify-send"'],
    ['IAPEER_ON_ATTENTION', '[]'],
    ['IAPEER_ON_ATTENTION', '[""]'],
    ['IAPEER_ON_ATTENTION', '["notify-send", ""]'],
    ['IAPEER_ON_ATTENTION', '["notify-send", 1]'],
    ['IAPEER_ON_ATTENTION', '[["notify-send"]]'],
    ['IAPEER_ON_ATTENTION', '{"argv": ["notify-send"]}'],
    ['IAPEER_ON_ATTENTION', '["notify-send",'],
    ['IAPEER_ON_ATTENTION', '["a\\u0000b"]'],
    ['IAPEER_ON_ATTENTION', '["~/bin/notify"]'],
    ['IAPEER_ON_ATTENTION', '["bin/notify"]'],
    ['IAPEER_ON_ATTENTION', '["./notify.sh"]'],
    ['IAPEER_SSH', 'ssh\n'],
    ['IAPEER_HOST_NAME', 'local'],
    ['IAPEER_HOST_NAME', 'Laptop'],
    ['IAPEER_HOST_NAME', 'a b'],
    ['IAPEER_HOST_NAME', '-oProxyCommand=x'],
    ['IAPEER_HOST_NAME', 'x'.repeat(33)],
  ];

  it.each(invalid)('%s=%j throws a ConfigError naming the variable', (variable, value) => {
    const error = configErrorOf({ [variable]: value }, HOME);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('ECONFIG');
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toContain('expected');
  });

  it('quotes the refused value in the message', () => {
    const error = configErrorOf({ IAPEER_IDLE_TIMEOUT_S: 'abc' }, HOME);
    expect(error.message).toContain('"abc"');
  });

  it('says what IAPEER_ON_ATTENTION expects, with an example, and shows a long value shortened', () => {
    const value = `notify-send ${'x'.repeat(200)}`;
    const error = configErrorOf({ IAPEER_ON_ATTENTION: value }, HOME);
    expect(error.message).toBe(
      `IAPEER_ON_ATTENTION: expected a JSON array of strings, none empty: the command (a name on PATH or an absolute path), then its arguments, e.g. ["notify-send","iapeer"], got ${JSON.stringify(`${value.slice(0, 80)}…`)}`,
    );
  });

  it('refuses a bad value even when the other variables are fine', () => {
    const error = configErrorOf({ IAPEER_HOME: '/srv/iap', IAPEER_LIFECYCLE_LOG_KEEP: '0', IAPEER_LOG_LEVEL: 'warn' }, HOME);
    expect(error.message).toMatch(/^IAPEER_LIFECYCLE_LOG_KEEP: /);
  });

  it.each([undefined, '', 'relative/home'])('no usable home dir (%j) and no IAPEER_HOME → ConfigError naming IAPEER_HOME', (homeDir) => {
    const error = configErrorOf({}, homeDir);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^IAPEER_HOME: /);
  });

  it('an empty IAPEER_HOME is refused even with a home dir', () => {
    const error = configErrorOf({ IAPEER_HOME: '' }, HOME);
    expect(error.message).toMatch(/^IAPEER_HOME: /);
  });
});
