import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFileError, NotFoundError } from '../../../src/core/errors.js';
import { builtinRuntimes } from '../../../src/runtimes/builtin-runtimes.js';
import { loadRuntimes, parseRuntimesFile, requireRuntime } from '../../../src/runtimes/load-runtimes.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const NODE = '/usr/local/bin/node';
const FILE = '/home/u/.iapeer/runtimes.json';

const dir = useTempDir('iapeer-runtimes-', { shared: true });

function parse(json: unknown) {
  return parseRuntimesFile(FILE, JSON.stringify(json), builtinRuntimes(NODE));
}

function corruptErrorOf(fn: () => unknown): CorruptFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptFileError);
    return error as CorruptFileError;
  }
  throw new Error('expected a CorruptFileError');
}

describe('loadRuntimes', () => {
  it('gives the built-ins claude, codex and demo when there is no runtimes.json', async () => {
    const table = await loadRuntimes(join(dir(), 'absent.json'), NODE);
    expect([...table.keys()].sort()).toEqual(['claude', 'codex', 'demo']);
    for (const runtime of table.values()) {
      expect(runtime.interrupt).toBe('Escape');
      expect(runtime.compact).toBe('/compact');
      expect(runtime.fresh.length).toBeGreaterThan(0);
      expect(runtime.ready).toBeInstanceOf(RegExp);
    }
    const demo = requireRuntime(table, 'demo');
    expect(demo.fresh[0]).toBe(NODE);
    expect(demo.fresh[1]).toMatch(/demo-agent\.cjs$/);
    expect(demo.ready?.test('starting\ndemo> ')).toBe(true);
  });

  it('adds and overrides runtimes from a real file', async () => {
    const file = join(dir(), 'runtimes.json');
    await writeFile(
      file,
      JSON.stringify({
        runtimes: {
          myagent: {
            fresh: ['node', '/abs/agent.js'],
            resume: ['node', '/abs/agent.js', '--resume'],
            ready: '^> ',
            interrupt: 'C-c',
            compact: '/squash',
            env: { FOO: 'bar' },
          },
          claude: { fresh: ['/opt/claude/bin/claude', '--model', 'x'] },
        },
      }),
    );
    const table = await loadRuntimes(file, NODE);
    expect([...table.keys()].sort()).toEqual(['claude', 'codex', 'demo', 'myagent']);

    const mine = requireRuntime(table, 'myagent');
    expect(mine).toMatchObject({
      name: 'myagent',
      fresh: ['node', '/abs/agent.js'],
      resume: ['node', '/abs/agent.js', '--resume'],
      interrupt: 'C-c',
      compact: '/squash',
      env: { FOO: 'bar' },
    });
    expect(mine.ready?.test('banner\n> ')).toBe(true);
    expect(mine.ready?.test('no prompt >')).toBe(false);

    const claude = requireRuntime(table, 'claude');
    expect(claude.fresh).toEqual(['/opt/claude/bin/claude', '--model', 'x']);
    expect(claude.resume).toEqual(claude.fresh);
    // An override replaces only what it sets: the built-in's patterns and wiring stay.
    expect(claude.ready).toEqual(builtin('claude').ready);
    expect(claude.wiring).toBe('claude');

    expect(requireRuntime(table, 'codex').fresh[0]).toBe('codex');
  });

  it('names the file when it is invalid', async () => {
    const file = join(dir(), 'broken.json');
    await writeFile(file, '{"runtimes": {');
    const error = await loadRuntimes(file, NODE).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect((error as CorruptFileError).message).toContain(file);
    expect((error as CorruptFileError).exitCode).toBe(1);
  });
});

describe('parseRuntimesFile', () => {
  it('defaults resume to fresh, interrupt to Escape, compact to /compact, env to none', () => {
    const table = parse({ runtimes: { bare: { fresh: ['bare-agent', '--flag'] } } });
    expect(requireRuntime(table, 'bare')).toEqual({
      name: 'bare',
      fresh: ['bare-agent', '--flag'],
      resume: ['bare-agent', '--flag'],
      ready: undefined,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
    });
  });

  it("accepts the README's example pattern with its trailing space", () => {
    const ready = requireRuntime(parse({ runtimes: { x: { fresh: ['x'], ready: '^> ' } } }), 'x').ready;
    expect(ready?.test('Welcome\n> \n')).toBe(true);
  });

  it('compiles ready as a per-line pattern', () => {
    const ready = requireRuntime(parse({ runtimes: { x: { fresh: ['x'], ready: '^ready$' } } }), 'x').ready;
    expect(ready?.flags).toContain('m');
    expect(ready?.test('loading\nready\n')).toBe(true);
  });

  it('accepts an empty runtimes object', () => {
    expect([...parse({ runtimes: {} }).keys()].sort()).toEqual(['claude', 'codex', 'demo']);
  });

  const invalid: Array<[label: string, text: string]> = [
    ['invalid JSON', '{"runtimes": {"x": {"fresh": ["x"]}'],
    ['not an object', '[]'],
    ['null', 'null'],
    ['no runtimes key', '{}'],
    ['unknown top-level key', JSON.stringify({ runtimes: {}, extra: 1 })],
    ['misspelt key "redy"', JSON.stringify({ runtimes: { x: { fresh: ['x'], redy: '^> ' } } })],
    ['missing fresh', JSON.stringify({ runtimes: { x: { resume: ['x'] } } })],
    ['missing fresh with a wiring', JSON.stringify({ runtimes: { x: { wiring: 'claude' } } })],
    ['wiring "demo"', JSON.stringify({ runtimes: { x: { fresh: ['x'], wiring: 'demo' } } })],
    ['wiring not a string', JSON.stringify({ runtimes: { x: { fresh: ['x'], wiring: true } } })],
    ['empty fresh', JSON.stringify({ runtimes: { x: { fresh: [] } } })],
    ['empty argv item', JSON.stringify({ runtimes: { x: { fresh: [''] } } })],
    ['fresh as a string', JSON.stringify({ runtimes: { x: { fresh: 'x --flag' } } })],
    ['empty resume', JSON.stringify({ runtimes: { x: { fresh: ['x'], resume: [] } } })],
    ['bad runtime name My-Agent', JSON.stringify({ runtimes: { 'My-Agent': { fresh: ['x'] } } })],
    ['runtime name with a dash', JSON.stringify({ runtimes: { 'my-agent': { fresh: ['x'] } } })],
    ['runtime name of 17 characters', JSON.stringify({ runtimes: { ['a'.repeat(17)]: { fresh: ['x'] } } })],
    ['bad regex in ready', JSON.stringify({ runtimes: { x: { fresh: ['x'], ready: '(unclosed' } } })],
    ['empty ready', JSON.stringify({ runtimes: { x: { fresh: ['x'], ready: '' } } })],
    ['interrupt with spaces', JSON.stringify({ runtimes: { x: { fresh: ['x'], interrupt: 'send keys' } } })],
    ['empty compact', JSON.stringify({ runtimes: { x: { fresh: ['x'], compact: '' } } })],
    ['env key PEER_IDENTITY', JSON.stringify({ runtimes: { x: { fresh: ['x'], env: { PEER_IDENTITY: 'claude-x' } } } })],
    ['env key with a dash', JSON.stringify({ runtimes: { x: { fresh: ['x'], env: { 'BAD-KEY': 'v' } } } })],
    ['env value not a string', JSON.stringify({ runtimes: { x: { fresh: ['x'], env: { N: 1 } } } })],
    ['catastrophic ready ^(a+)+$', JSON.stringify({ runtimes: { x: { fresh: ['x'], ready: '^(a+)+$' } } })],
    ['back-reference in ready', JSON.stringify({ runtimes: { x: { fresh: ['x'], ready: '^(a)\\1$' } } })],
  ];

  it.each(invalid)('%s → CorruptFileError naming the file', (_label, text) => {
    const error = corruptErrorOf(() => parseRuntimesFile(FILE, text, builtinRuntimes(NODE)));
    expect(error.exitCode).toBe(1);
    expect(error.code).toBe('ECORRUPT');
    expect(error.file).toBe(FILE);
    expect(error.message).toContain(FILE);
  });

  it('says which key is wrong', () => {
    const redy = corruptErrorOf(() => parse({ runtimes: { x: { fresh: ['x'], redy: '^> ' } } }));
    expect(redy.message).toContain('redy');
    const peer = corruptErrorOf(() => parse({ runtimes: { x: { fresh: ['x'], env: { PEER_IDENTITY: 'y' } } } }));
    expect(peer.message).toContain('PEER_IDENTITY');
    const regex = corruptErrorOf(() => parse({ runtimes: { x: { fresh: ['x'], ready: '(' } } }));
    expect(regex.message).toMatch(/regular expression/);
    const unsafe = corruptErrorOf(() => parse({ runtimes: { slowagent: { fresh: ['x'], ready: '^(a+)+$' } } }));
    expect(unsafe.message).toContain(FILE);
    expect(unsafe.message).toContain('runtimes.slowagent.ready');
    expect(unsafe.message).toMatch(/runtimes.slowagent.ready: pattern refused: nested quantifier/);
    const fresh = corruptErrorOf(() => parse({ runtimes: { newone: { wiring: 'codex' } } }));
    expect(fresh.message).toContain('runtimes.newone.fresh: required for a runtime that is not built in');
    const wiring = corruptErrorOf(() => parse({ runtimes: { w: { fresh: ['w'], wiring: 'gpt' } } }));
    expect(wiring.message).toMatch(/runtimes\.w\.wiring: expected "claude", "codex" or "none"/);
    const json = corruptErrorOf(() => parseRuntimesFile(FILE, '{', builtinRuntimes(NODE)));
    expect(json.message).toMatch(/not JSON/);
  });
});

function builtin(name: string) {
  return requireRuntime(builtinRuntimesTable(), name);
}

describe('an entry named like a built-in', () => {
  it('codex setting only fresh and env keeps every pattern, knob and the wiring', () => {
    const codex = requireRuntime(parse({ runtimes: { codex: { fresh: ['/opt/codex/bin/codex'], env: { CODEX_HOME: '/srv/codex' } } } }), 'codex');
    const { fresh: _fresh, resume: _resume, env: _env, ...kept } = builtin('codex');
    expect(codex).toEqual({ ...kept, fresh: ['/opt/codex/bin/codex'], resume: ['/opt/codex/bin/codex'], env: { CODEX_HOME: '/srv/codex' } });
    expect(codex.wiring).toBe('codex');
    expect(codex.composerEmpty).toBeInstanceOf(RegExp);
    expect(codex.busy).toBeInstanceOf(RegExp);
  });

  it('may set only a knob, keeping the command', () => {
    const claude = requireRuntime(parse({ runtimes: { claude: { settleMs: 500, busy: '^working' } } }), 'claude');
    expect(claude.fresh).toEqual(['claude']);
    expect(claude.settleMs).toBe(500);
    expect(claude.busy?.source).toBe('^working');
    expect(claude.composer).toEqual(builtin('claude').composer);
  });

  it('keeps the built-in resume base unless fresh or resume is set', () => {
    const demo = requireRuntime(parse({ runtimes: { demo: { resume: ['node', '/x.js', '--resume'] } } }), 'demo');
    expect(demo.fresh).toEqual(builtin('demo').fresh);
    expect(demo.resume).toEqual(['node', '/x.js', '--resume']);
  });

  it('"wiring": "none" turns the wiring off, patterns kept', () => {
    const claude = requireRuntime(parse({ runtimes: { claude: { wiring: 'none' } } }), 'claude');
    expect(claude.wiring).toBeUndefined();
    expect(claude.ready).toEqual(builtin('claude').ready);
  });
});

describe('a user runtime with a wiring', () => {
  it('takes the wiring, patterns and knobs of that built-in, not its command or env', () => {
    const table = parse({ runtimes: { wrapped: { fresh: ['/usr/local/bin/my-claude', '--model', 'x'], wiring: 'claude' } } });
    const wrapped = requireRuntime(table, 'wrapped');
    const { fresh: _fresh, resume: _resume, name: _name, ...kept } = builtin('claude');
    expect(wrapped).toEqual({ ...kept, name: 'wrapped', fresh: ['/usr/local/bin/my-claude', '--model', 'x'], resume: ['/usr/local/bin/my-claude', '--model', 'x'] });
  });

  it('keeps what it sets itself over the inherited ones', () => {
    const wrapped = requireRuntime(parse({ runtimes: { cx: { fresh: ['cx'], wiring: 'codex', ready: '^ready>', enterRetries: 0, env: { A: 'b' } } } }), 'cx');
    expect(wrapped.wiring).toBe('codex');
    expect(wrapped.ready?.source).toBe('^ready>');
    expect(wrapped.enterRetries).toBe(0);
    expect(wrapped.busy).toEqual(builtin('codex').busy);
    expect(wrapped.env).toEqual({ A: 'b' });
  });

  it('"wiring": "none" is a plain runtime', () => {
    const plain = requireRuntime(parse({ runtimes: { p: { fresh: ['p'], wiring: 'none' } } }), 'p');
    expect(plain.wiring).toBeUndefined();
    expect(plain.ready).toBeUndefined();
    expect(plain.busy).toBeUndefined();
  });
});

describe("the README's runtimes.json examples", () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```json\n(\{ "runtimes"[\s\S]*?)```/g)].map((match) => match[1] ?? '');

  it('are all valid, and the codex override keeps the wiring and patterns', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const text of examples) parseRuntimesFile(FILE, text, builtinRuntimes(NODE));
    const codex = examples.map((text) => parseRuntimesFile(FILE, text, builtinRuntimes(NODE)).get('codex')).find((runtime) => runtime?.fresh[0] !== 'codex');
    expect(codex?.wiring).toBe('codex');
    expect(codex?.busy).toBeInstanceOf(RegExp);
  });
});

describe('requireRuntime', () => {
  it('returns a known runtime', () => {
    expect(requireRuntime(builtinRuntimesTable(), 'codex').name).toBe('codex');
  });

  it('refuses an unknown runtime with exit 2, listing the known ones', () => {
    const table = parse({ runtimes: { zeta: { fresh: ['z'] } } });
    let caught: unknown;
    try {
      requireRuntime(table, 'gpt');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotFoundError);
    const error = caught as NotFoundError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('"gpt"');
    expect(error.message).toContain('claude, codex, demo, zeta');
  });
});

function builtinRuntimesTable() {
  return new Map(builtinRuntimes(NODE).map((runtime) => [runtime.name, runtime]));
}
