import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../../src/demo-agent/demo-args.js';
import { parseHooks } from '../../../src/demo-agent/demo-hooks.js';

const ID = '0f6c3f0e-6a8b-4c1e-9d3a-2b7e5f1a9c44';

describe('parseDemoArgs', () => {
  it('defaults to a fresh start with nothing else', () => {
    expect(parseDemoArgs([])).toEqual({ mode: 'fresh', sessionId: undefined, hooks: undefined, delayMs: 0, mountMs: 0, dropEnters: 0 });
  });

  it.each([
    ['--session-id <id>', ['--session-id', ID], 'fresh', ID],
    ['--resume <id>', ['--resume', ID], 'resume', ID],
    ['--resume=<id>', [`--resume=${ID}`], 'resume', ID],
    ['a bare --resume, last', ['--mount-ms', '5', '--resume'], 'resume', undefined],
    ['a bare --resume, before an option', ['--resume', '--drop-enters', '1'], 'resume', undefined],
  ])('%s', (_label, argv, mode, sessionId) => {
    expect(parseDemoArgs(argv)).toMatchObject({ mode, sessionId });
  });

  it('takes the hooks JSON and the test knobs', () => {
    expect(parseDemoArgs(['--hooks', '{"hooks":{}}', '--delay=10', '--mount-ms', '200', '--drop-enters', '2'])).toMatchObject({
      hooks: '{"hooks":{}}',
      delayMs: 10,
      mountMs: 200,
      dropEnters: 2,
    });
  });

  it.each([
    ['an unknown option', ['--continue'], /unknown option --continue/],
    ['a missing value', ['--hooks'], /--hooks needs a value/],
    ['a stray argument', ['hello'], /unexpected argument/],
    ['a bad number', ['--delay', 'soon'], /--delay: expected a number/],
    ['--session-id with --resume', ['--resume', ID, '--session-id', ID], /--session-id is for a fresh start/],
  ])('refuses %s', (_label, argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });
});

describe('parseHooks', () => {
  it('gives the commands per event, timeout defaulting as Claude does', () => {
    const hooks = parseHooks(
      JSON.stringify({
        disableAllHooks: false,
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'a', timeout: 2 }] }, { matcher: '', hooks: [{ type: 'command', command: 'b' }] }] },
      }),
    );
    expect(hooks.get('Stop')).toEqual([
      { command: 'a', timeoutS: 2 },
      { command: 'b', timeoutS: 600 },
    ]);
  });

  it('gives nothing without --hooks or with disableAllHooks', () => {
    expect(parseHooks(undefined).size).toBe(0);
    expect(parseHooks(JSON.stringify({ disableAllHooks: true, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'a' }] }] } })).size).toBe(0);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['a hook without a command', JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command' }] }] } }), /hooks\.Stop\.0\.hooks\.0\.command/],
    ['a hook of another type', JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'prompt', command: 'x' }] }] } }), /type/],
  ])('refuses %s', (_label, json, message) => {
    expect(() => parseHooks(json)).toThrow(message);
  });
});
