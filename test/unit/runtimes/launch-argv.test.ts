import { describe, expect, it } from 'vitest';
import { builtinRuntimes } from '../../../src/runtimes/builtin-runtimes.js';
import { hookCommand } from '../../../src/runtimes/hook-command.js';
import { LaunchArgvError, choosesSessionId, launchArgv, resumeNeedsSessionId } from '../../../src/runtimes/launch-argv.js';
import type { Runtime } from '../../../src/runtimes/runtime.js';

const NODE = '/usr/local/bin/node';
const EVENTS = '/home/u/.iapeer/state/claude-amy/events';
const ID = '0f6c3f0e-6a8b-4c1e-9d3a-2b7e5f1a9c44';
const TOKENS = { PEER_IDENTITY: 'claude-amy', IAPEER_HOME: '/home/u/.iapeer', IAPEER_SOCK_DIR: '/tmp/iap' };

function builtin(name: string): Runtime {
  const runtime = builtinRuntimes(NODE).find((candidate) => candidate.name === name);
  if (!runtime) throw new Error(name);
  return runtime;
}

const user = (fresh: string[], resume = fresh): Runtime => ({ name: 'mine', fresh, resume, ready: undefined, interrupt: 'Escape', compact: '/compact', env: {} });

describe('launchArgv for claude', () => {
  const claude = builtin('claude');

  it('fresh: base, MCP, inline settings with the seven hooks, --session-id', () => {
    const argv = launchArgv(claude, { mode: 'fresh', sessionId: ID, eventsFile: EVENTS, nodeBin: NODE, tokens: TOKENS });
    expect(argv[0]).toBe('claude');
    expect(argv[1]).toMatch(/^--mcp-config=\{"mcpServers":\{"iapeer":/);
    expect(argv[1]).toContain('"PEER_IDENTITY":"claude-amy"');
    expect(argv[2]).toBe('--allowedTools=mcp__iapeer__whoami,mcp__iapeer__list_peers,mcp__iapeer__send_to_peer,mcp__iapeer__self_fresh');
    expect(argv.slice(3, 5)[0]).toBe('--settings');
    const settings = JSON.parse(argv[4] ?? '') as { disableAllHooks: boolean; hooks: Record<string, unknown> };
    expect(settings.disableAllHooks).toBe(false);
    expect(Object.keys(settings.hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'PermissionRequest', 'SessionEnd', 'PreCompact']);
    expect(settings.hooks['Notification']).toEqual([{ hooks: [{ type: 'command', command: hookCommand(EVENTS, 'Notification'), timeout: 2 }] }]);
    expect(argv.slice(5)).toEqual(['--session-id', ID]);
    expect(argv.join(' ')).not.toMatch(/--continue|--last/);
  });

  it('resume: --resume <id>, nothing else about the session', () => {
    const argv = launchArgv(claude, { mode: 'resume', sessionId: ID, eventsFile: EVENTS, nodeBin: NODE });
    expect(argv.slice(-2)).toEqual(['--resume', ID]);
    expect(argv).not.toContain('--session-id');
    // Without tokens given, the MCP env keeps them for the caller.
    expect(argv[1]).toContain('"PEER_IDENTITY":"@PEER_IDENTITY@"');
  });

  it('fresh without an id lets Claude choose', () => {
    expect(launchArgv(claude, { mode: 'fresh', eventsFile: EVENTS, nodeBin: NODE }).at(-2)).toBe('--settings');
  });

  it.each([
    ['a resume without an id', { mode: 'resume' as const }],
    ['an id that is not a uuid (Claude would open its picker)', { mode: 'resume' as const, sessionId: 'latest' }],
    ['an option as the id', { mode: 'fresh' as const, sessionId: '--continue' }],
  ])('refuses %s', (_label, options) => {
    expect(() => launchArgv(claude, { ...options, eventsFile: EVENTS, nodeBin: NODE })).toThrow(LaunchArgvError);
  });

  it('does not rewrite a token inside the events path', () => {
    const odd = '/home/@IAPEER_HOME@/events';
    const argv = launchArgv(claude, { mode: 'fresh', eventsFile: odd, nodeBin: NODE, tokens: TOKENS });
    expect(argv.join('\n')).toContain(`'${odd}'`);
  });
});

describe('launchArgv for codex', () => {
  const codex = builtin('codex');

  it('fresh: base, MCP -c flags, one -c hooks.<Event> per event as TOML, the trust bypass; no id', () => {
    const argv = launchArgv(codex, { mode: 'fresh', sessionId: ID, eventsFile: EVENTS, nodeBin: NODE, tokens: TOKENS });
    expect(argv[0]).toBe('codex');
    expect(argv.slice(1, 3)).toEqual(['-c', `mcp_servers.iapeer.command="${NODE}"`]);
    expect(argv).toContain('mcp_servers.iapeer.env={PEER_IDENTITY="claude-amy",IAPEER_HOME="/home/u/.iapeer",IAPEER_SOCK_DIR="/tmp/iap"}');
    const hooks = argv.filter((arg) => arg.startsWith('hooks.'));
    expect(hooks.map((arg) => arg.slice(0, arg.indexOf('=')))).toEqual(
      ['SessionStart', 'UserPromptSubmit', 'Stop', 'PermissionRequest', 'Interrupt', 'SessionEnd', 'PreCompact'].map((kind) => `hooks.${kind}`),
    );
    for (const arg of hooks) expect(argv[argv.indexOf(arg) - 1]).toBe('-c');
    const stop = hooks.find((arg) => arg.startsWith('hooks.Stop='));
    expect(stop).toBe(`hooks.Stop=[{hooks=[{type="command",command=${JSON.stringify(hookCommand(EVENTS, 'Stop'))},timeout=2}]}]`);
    expect(argv.at(-1)).toBe('--dangerously-bypass-hook-trust');
    expect(argv).not.toContain(ID);
  });

  it('resume: the resume subcommand and the id after every flag', () => {
    const argv = launchArgv(codex, { mode: 'resume', sessionId: ID, eventsFile: EVENTS, nodeBin: NODE });
    expect(argv.slice(-3)).toEqual(['--dangerously-bypass-hook-trust', 'resume', ID]);
    expect(argv).not.toContain('--last');
  });

  it('escapes DEL for TOML', () => {
    const argv = launchArgv(codex, { mode: 'fresh', eventsFile: '/tmp/ok', nodeBin: NODE });
    expect(argv.join('')).not.toContain('\x7f');
    expect(() => launchArgv(codex, { mode: 'fresh', eventsFile: '/tmp/a\x7fb', nodeBin: NODE })).toThrow(/control character/);
  });

  it('refuses a resume without an id', () => {
    expect(() => launchArgv(codex, { mode: 'resume', eventsFile: EVENTS, nodeBin: NODE })).toThrow(/needs a session id/);
  });
});

describe('launchArgv for demo', () => {
  const demo = builtin('demo');

  it('fresh: its own hooks flag and --session-id', () => {
    const argv = launchArgv(demo, { mode: 'fresh', sessionId: ID, eventsFile: EVENTS, nodeBin: NODE });
    expect(argv[0]).toBe(NODE);
    expect(argv[1]).toMatch(/demo-agent\.cjs$/);
    expect(argv[2]).toBe('--hooks');
    expect(Object.keys((JSON.parse(argv[3] ?? '') as { hooks: object }).hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'PermissionRequest', 'Notification']);
    expect(argv.slice(4)).toEqual(['--session-id', ID]);
  });

  it('resume: --resume <id>, or a bare --resume without one', () => {
    expect(launchArgv(demo, { mode: 'resume', sessionId: ID, eventsFile: EVENTS, nodeBin: NODE }).slice(-2)).toEqual(['--resume', ID]);
    expect(launchArgv(demo, { mode: 'resume', eventsFile: EVENTS, nodeBin: NODE }).at(-1)).toBe('--resume');
  });
});

describe('launchArgv for a runtime without wiring', () => {
  it('is its own argv, @SESSION_ID@ and the tokens replaced', () => {
    const mine = user(['agent', '--id=@SESSION_ID@', '--me', '@PEER_IDENTITY@'], ['agent', '--resume', '@SESSION_ID@']);
    expect(launchArgv(mine, { mode: 'fresh', sessionId: 'abc-1', eventsFile: EVENTS, nodeBin: NODE, tokens: TOKENS })).toEqual(['agent', '--id=abc-1', '--me', 'claude-amy']);
    expect(launchArgv(mine, { mode: 'resume', sessionId: 'thread_42', eventsFile: EVENTS, nodeBin: NODE })).toEqual(['agent', '--resume', 'thread_42']);
  });

  it('refuses @SESSION_ID@ without an id, and an id that is not plain', () => {
    const mine = user(['agent', '@SESSION_ID@']);
    expect(() => launchArgv(mine, { mode: 'fresh', eventsFile: EVENTS, nodeBin: NODE })).toThrow(/needs a session id/);
    expect(() => launchArgv(mine, { mode: 'resume', sessionId: 'a b', eventsFile: EVENTS, nodeBin: NODE })).toThrow(/not a plain id/);
    expect(() => launchArgv(mine, { mode: 'resume', sessionId: '@PEER_IDENTITY@', eventsFile: EVENTS, nodeBin: NODE })).toThrow(LaunchArgvError);
  });

  it('passes an id it has no use for over', () => {
    expect(launchArgv(user(['agent']), { mode: 'resume', sessionId: 'x1', eventsFile: EVENTS, nodeBin: NODE })).toEqual(['agent']);
  });
});

describe('which runtimes take or need a session id', () => {
  it.each([
    ['claude', builtin('claude'), true, true],
    ['codex', builtin('codex'), false, true],
    ['demo', builtin('demo'), true, false],
    ['a user runtime with @SESSION_ID@ in both', user(['a', '@SESSION_ID@'], ['a', '-r', '@SESSION_ID@']), true, true],
    ['a user runtime without', user(['a'], ['a', '--resume']), false, false],
  ])('%s', (_label, runtime, chooses, needs) => {
    expect(choosesSessionId(runtime)).toBe(chooses);
    expect(resumeNeedsSessionId(runtime)).toBe(needs);
  });
});
