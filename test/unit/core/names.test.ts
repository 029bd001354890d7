import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  formatIdentity,
  hostNameFrom,
  splitHost,
  isPersonality,
  isRuntimeName,
  normalisePersonality,
  parseIdentity,
  parsePersonality,
  parseRuntimeName,
  tryParseIdentity,
} from '../../../src/core/names.js';

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected the call to throw');
}

describe('parsePersonality', () => {
  const rejected: Array<[label: string, value: string]> = [
    ['path traversal', '../x'],
    ['shell separator', 'a;b'],
    ['leading dash (looks like a flag)', '-t'],
    ['colon (tmux target syntax)', 'a:b'],
    ['dot (tmux target syntax)', 'a.b'],
    ['empty string', ''],
    ['49 characters', 'a'.repeat(49)],
    ['latin accent', 'bóris'],
    ['cyrillic', 'борис'],
    ['uppercase', 'Boris'],
    ['all uppercase', 'BORIS'],
    ['leading underscore', '_boris'],
    ['space', 'a b'],
    ['slash', 'a/b'],
    ['newline', 'a\nb'],
    ['trailing newline', 'boris\n'],
    ['dollar', '$x'],
    ['equals', 'a=b'],
  ];

  it.each(rejected)('rejects %s (%j) with a UsageError quoting the value', (_label, value) => {
    const error = usageErrorOf(() => parsePersonality(value));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('EINVALIDNAME');
    expect(error.message).toContain(JSON.stringify(value));
    expect(isPersonality(value)).toBe(false);
  });

  it('cuts an absurdly long rejected value in the message', () => {
    const error = usageErrorOf(() => parsePersonality('x'.repeat(5000)));
    expect(error.message).toContain(`"${'x'.repeat(60)}…"`);
    expect(error.message.length).toBeLessThan(300);
  });

  it('quotes control characters escaped, so the message stays one line', () => {
    const error = usageErrorOf(() => parsePersonality('a\nb\x1b[31m'));
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('\x1b');
    expect(error.message).toContain('"a\\nb\\u001b[31m"');
  });

  const accepted = ['a', '7', 'a'.repeat(48), 'a_b-c', '1boris', '42', 'boris-2', 'a--b', 'x_'];
  it.each(accepted)('accepts %j unchanged', (value) => {
    expect(parsePersonality(value)).toBe(value);
    expect(isPersonality(value)).toBe(true);
  });
});

describe('runtime names', () => {
  it.each(['a', 'claude', 'codex', 'demo', 'agent2', 'a'.repeat(16)])('accepts %j', (value) => {
    expect(isRuntimeName(value)).toBe(true);
    expect(parseRuntimeName(value)).toBe(value);
  });

  it.each(['', '2agent', 'my-agent', 'my_agent', 'Claude', 'a'.repeat(17), 'a.b', 'ağent', '-a'])(
    'rejects %j with a UsageError quoting the value',
    (value) => {
      expect(isRuntimeName(value)).toBe(false);
      const error = usageErrorOf(() => parseRuntimeName(value));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(JSON.stringify(value));
    },
  );
});

describe('identities', () => {
  it('splits on the first dash', () => {
    expect(parseIdentity('claude-boris-2')).toEqual({ runtime: 'claude', personality: 'boris-2' });
    expect(parseIdentity('demo-a')).toEqual({ runtime: 'demo', personality: 'a' });
    expect(parseIdentity('codex-my-long-project')).toEqual({ runtime: 'codex', personality: 'my-long-project' });
    expect(parseIdentity('x1-9')).toEqual({ runtime: 'x1', personality: '9' });
  });

  it('accepts the longest parts', () => {
    const runtime = 'r'.repeat(16);
    const personality = 'p'.repeat(48);
    expect(parseIdentity(`${runtime}-${personality}`)).toEqual({ runtime, personality });
  });

  const rejected: Array<[label: string, value: string]> = [
    ['no dash', 'boris'],
    ['empty runtime', '-x'],
    ['uppercase runtime', 'Claude-x'],
    ['empty personality', 'claude-'],
    ['personality starting with a dash', 'claude--x'],
    ['runtime of 17 characters', `${'r'.repeat(17)}-boris`],
    ['personality of 49 characters', `claude-${'p'.repeat(49)}`],
    ['runtime with underscore', 'my_rt-boris'],
    ['empty string', ''],
    ['bad personality character', 'claude-bo.ris'],
  ];

  it.each(rejected)('rejects %s (%j)', (_label, value) => {
    expect(tryParseIdentity(value)).toBeUndefined();
    const error = usageErrorOf(() => parseIdentity(value));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('formatIdentity and parseIdentity are inverse', () => {
    const cases = [
      { runtime: 'claude', personality: 'boris' },
      { runtime: 'demo', personality: 'boris-2' },
      { runtime: 'codex', personality: 'a_b-c' },
      { runtime: 'r'.repeat(16), personality: '9'.repeat(48) },
    ];
    for (const identity of cases) {
      const text = formatIdentity(identity);
      expect(text).toBe(`${identity.runtime}-${identity.personality}`);
      expect(parseIdentity(text)).toEqual(identity);
    }
    expect(formatIdentity(parseIdentity('claude-boris-2'))).toBe('claude-boris-2');
  });
});

describe('normalisePersonality', () => {
  it.each([
    ['My Project', 'my-project'],
    ['__x__', 'x'],
    ['--x--', 'x'],
    ['iapeer', 'iapeer'],
    ['my_project.v2', 'my_project-v2'],
    ['hello   world!!', 'hello-world'],
    ['Café', 'cafe'],
    ['2024 Notes', '2024-notes'],
    ['a.b.c', 'a-b-c'],
  ])('%j → %j', (raw, expected) => {
    expect(normalisePersonality(raw)).toBe(expected);
  });

  // NFKD splits an accented letter into its base and a combining mark; the mark must be
  // dropped, not folded into a separator in the middle of the word.
  it.each([
    ['bóris', 'boris'],
    ['naïve', 'naive'],
    ['Zoë Project', 'zoe-project'],
  ])('drops accents: %j → %j', (raw, expected) => {
    expect(normalisePersonality(raw)).toBe(expected);
  });

  it.each(['...', '', '---', '___', '   ', 'борис', '日本語'])('%j has no usable name', (raw) => {
    expect(normalisePersonality(raw)).toBeUndefined();
  });

  it('cuts long names to 48 characters and the result is valid', () => {
    const result = normalisePersonality('A'.repeat(100));
    expect(result).toBe('a'.repeat(48));
  });

  it('does not leave a trailing separator where the cut falls', () => {
    const raw = `${'a'.repeat(47)} tail`;
    const result = normalisePersonality(raw);
    expect(result).toBe('a'.repeat(47));
    expect(result !== undefined && isPersonality(result)).toBe(true);
  });

  it('always returns a valid personality or undefined', () => {
    const samples = [
      'My Project',
      ' leading space',
      'trailing space ',
      'x'.repeat(200),
      'a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9',
      '-_-_-a',
      'Ωmega-Project',
      'emoji 🎉 party',
      'tab\tand\nnewline',
    ];
    for (const raw of samples) {
      const result = normalisePersonality(raw);
      if (result !== undefined) {
        expect(isPersonality(result), `${JSON.stringify(raw)} → ${JSON.stringify(result)}`).toBe(true);
        expect(result.length).toBeLessThanOrEqual(48);
      }
    }
    expect(normalisePersonality('emoji 🎉 party')).toBe('emoji-party');
  });
});

describe('splitHost', () => {
  it('splits <name>@<host> on the last @; no @ and @local are this machine', () => {
    expect(splitHost('boris@build')).toEqual({ name: 'boris', host: 'build' });
    expect(splitHost('claude-boris@gpu-2')).toEqual({ name: 'claude-boris', host: 'gpu-2' });
    expect(splitHost('boris')).toEqual({ name: 'boris', host: undefined });
    expect(splitHost('boris@local')).toEqual({ name: 'boris', host: undefined });
  });

  it.each(['boris@', '@build', 'boris@Build', 'boris@a_b', `boris@${'h'.repeat(33)}`, 'boris@-x'])('refuses %j (exit 2, naming it)', (value) => {
    expect(() => splitHost(value)).toThrow(UsageError);
    expect(() => splitHost(value)).toThrow(JSON.stringify(value));
  });
});

describe('hostNameFrom', () => {
  it('is the first label of the system host name, folded to a host name', () => {
    expect(hostNameFrom('Build-Box.example.com')).toBe('build-box');
    expect(hostNameFrom('my_laptop')).toBe('my-laptop');
    expect(hostNameFrom('x'.repeat(40))).toBe('x'.repeat(32));
  });

  it('is "host" when nothing usable is left, or the name would be "local"', () => {
    expect(hostNameFrom('')).toBe('host');
    expect(hostNameFrom('---')).toBe('host');
    expect(hostNameFrom('localhost')).toBe('localhost');
    expect(hostNameFrom('LOCAL.lan')).toBe('host');
  });
});
