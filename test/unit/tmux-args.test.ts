import { describe, expect, it } from 'vitest';
import {
  AGENT_PANE,
  PANE_FORMAT,
  SPAWN_FORMAT,
  TMUX_CONFIG,
  type Server,
  attachArgs,
  cancelModeArgs,
  escapeTmuxArg,
  killServerArgs,
  listPanesArgs,
  loadBufferArgs,
  newSessionArgs,
  paneAndScreenArgs,
  pasteBufferArgs,
  sendKeyArgs,
  sendLiteralArgs,
} from '../../src/transport/tmux-args.js';

const SERVER: Server = { socket: '/tmp/iap/sock/demo-boris', configFile: '/home/u/.iapeer/tmux.conf' };
const ID = 'demo-boris';
const PREFIX = ['-S', SERVER.socket, '-f', SERVER.configFile];

describe('escapeTmuxArg', () => {
  it.each([
    ['a;', 'a\\;'],
    [';', '\\;'],
    ['x\\;', 'x\\\\;'],
    ['echo hi;', 'echo hi\\;'],
    [';;', ';\\;'],
  ])('escapes the trailing ; of %j → %j', (raw, expected) => {
    expect(escapeTmuxArg(raw)).toBe(expected);
  });

  it.each(['', 'a', 'a;b', ';a', 'plain text', '\\', 'a\\', '=demo-boris:', '--', '#{pane_pid}'])('leaves %j unchanged', (raw) => {
    expect(escapeTmuxArg(raw)).toBe(raw);
  });
});

describe('command builders', () => {
  const builders: Array<[name: string, args: string[]]> = [
    ['newSessionArgs', newSessionArgs(SERVER, { identity: ID, cwd: '/work', env: {}, argv: ['node', 'agent.js'] })],
    ['listPanesArgs', listPanesArgs(SERVER, ID)],
    ['paneAndScreenArgs', paneAndScreenArgs(SERVER, ID)],
    ['killServerArgs', killServerArgs(SERVER)],
    ['sendKeyArgs', sendKeyArgs(SERVER, 'Escape')],
    ['sendLiteralArgs', sendLiteralArgs(SERVER, 'hello')],
    ['cancelModeArgs', cancelModeArgs(SERVER)],
    ['loadBufferArgs', loadBufferArgs(SERVER, 'iap-1')],
    ['pasteBufferArgs', pasteBufferArgs(SERVER, 'iap-1')],
    ['attachArgs', attachArgs(SERVER, ID)],
  ];

  it.each(builders)('%s starts with -S <socket> -f <config>', (_name, args) => {
    expect(args.slice(0, 4)).toEqual(PREFIX);
  });

  it.each(builders)('%s targets only exact names', (_name, args) => {
    args.forEach((arg, index) => {
      if (arg === '-t') expect([`=${ID}`, AGENT_PANE]).toContain(args[index + 1]);
      // A bare name is only ever the name given to a new session, never a target.
      if (arg === ID) expect(args[index - 1]).toBe('-s');
    });
  });

  it('newSessionArgs: detached session named after the identity, in its cwd, argv after --', () => {
    const args = newSessionArgs(SERVER, {
      identity: ID,
      cwd: '/home/u/project',
      env: { PEER_IDENTITY: ID, FOO: 'a b=c' },
      argv: ['node', '/abs/agent.js', '--resume'],
    });
    expect(args).toEqual([
      ...PREFIX,
      'new-session',
      '-d',
      '-s',
      ID,
      '-c',
      '/home/u/project',
      '-x',
      '200',
      '-y',
      '50',
      '-e',
      `PEER_IDENTITY=${ID}`,
      '-e',
      'FOO=a b=c',
      '-P',
      '-F',
      SPAWN_FORMAT,
      '--',
      'node',
      '/abs/agent.js',
      '--resume',
    ]);
  });

  it('newSessionArgs: argv items ending in ; are escaped, so tmux does not split the command', () => {
    const args = newSessionArgs(SERVER, { identity: ID, cwd: '/w', env: { K: 'v;' }, argv: ['sh', '-c', 'echo one; echo two;', ';'] });
    const dashDash = args.indexOf('--');
    expect(dashDash).toBeGreaterThan(0);
    expect(args.slice(dashDash + 1)).toEqual(['sh', '-c', 'echo one; echo two\\;', '\\;']);
    expect(args).toContain('K=v\\;');
    expect(args.filter((arg) => arg === ';')).toEqual([]);
  });

  it('newSessionArgs: -- comes after every option, so argv cannot be read as tmux options', () => {
    const args = newSessionArgs(SERVER, { identity: ID, cwd: '/w', env: {}, argv: ['-t', 'x'] });
    const dashDash = args.indexOf('--');
    expect(args.slice(dashDash + 1)).toEqual(['-t', 'x']);
    expect(args.slice(0, dashDash)).not.toContain('-t');
  });

  it('newSessionArgs: a one-word command runs through env, not as a shell string', () => {
    const args = newSessionArgs(SERVER, { identity: ID, cwd: '/w', env: {}, argv: ['/opt/my agent/run'] });
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['env', '--', '/opt/my agent/run']);
  });

  it('listPanesArgs asks for the agent pane only, in the parseable pane format', () => {
    expect(listPanesArgs(SERVER, ID)).toEqual([
      ...PREFIX,
      'list-panes',
      '-s',
      '-t',
      `=${ID}`,
      '-f',
      `#{==:#{pane_id},${AGENT_PANE}}`,
      '-F',
      PANE_FORMAT,
    ]);
    expect(PANE_FORMAT.split('\t')).toHaveLength(7);
    expect(AGENT_PANE).toBe('%0');
  });

  it('paneAndScreenArgs joins list-panes and capture-pane with exactly one unescaped ;', () => {
    const args = paneAndScreenArgs(SERVER, ID);
    expect(args.filter((arg) => arg === ';')).toHaveLength(1);
    const separator = args.indexOf(';');
    expect(args.slice(0, separator)).toEqual(listPanesArgs(SERVER, ID));
    expect(args.slice(separator + 1)).toEqual(['capture-pane', '-p', '-t', AGENT_PANE]);
  });

  it("pane commands target the agent's pane by its id", () => {
    expect(sendKeyArgs(SERVER, 'Enter')).toEqual([...PREFIX, 'send-keys', '-t', AGENT_PANE, 'Enter']);
    expect(cancelModeArgs(SERVER)).toEqual([...PREFIX, 'send-keys', '-X', '-t', AGENT_PANE, 'cancel']);
    expect(pasteBufferArgs(SERVER, 'b1')).toEqual([...PREFIX, 'paste-buffer', '-p', '-d', '-b', 'b1', '-t', AGENT_PANE]);
  });

  it('session commands target =<identity>', () => {
    expect(attachArgs(SERVER, ID)).toEqual([...PREFIX, 'attach-session', '-t', `=${ID}`]);
    expect(killServerArgs(SERVER)).toEqual([...PREFIX, 'kill-server']);
  });

  it('sendLiteralArgs sends text literally after --, escaping a trailing ;', () => {
    expect(sendLiteralArgs(SERVER, '-n')).toEqual([...PREFIX, 'send-keys', '-l', '-t', AGENT_PANE, '--', '-n']);
    expect(sendLiteralArgs(SERVER, 'ls;').at(-1)).toBe('ls\\;');
  });

  it('loadBufferArgs reads the text from stdin, never from the command line', () => {
    expect(loadBufferArgs(SERVER, 'iap-7')).toEqual([...PREFIX, 'load-buffer', '-b', 'iap-7', '-']);
  });

  it('the server config keeps dead panes so their exit status can be read', () => {
    expect(TMUX_CONFIG).toMatch(/^set -g remain-on-exit on$/m);
  });
});
