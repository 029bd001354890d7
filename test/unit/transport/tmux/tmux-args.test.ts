import { describe, expect, it } from 'vitest';
import {
  AGENT_PANE,
  FIELD_SEPARATOR,
  PANE_FORMAT,
  SPAWN_FORMAT,
  TMUX_CONFIG,
  type Server,
  attachArgs,
  cancelModeArgs,
  escapeTmuxArg,
  WRAPPER_NAME,
  killServerArgs,
  lastWordsArgs,
  listPanesArgs,
  loadBufferArgs,
  newSessionArgs,
  paneAndScreenArgs,
  LOOK_FORMAT,
  splitLookLine,
  paneAndTextArgs,
  parsePaneLine,
  parseSpawnLine,
  pasteBufferArgs,
  sendKeyArgs,
  sendLiteralArgs,
  splitPaneAndScreen,
} from '../../../../src/transport/tmux/tmux-args.js';

const SERVER: Server = { socket: '/tmp/iap/sock/demo-boris', configFile: '/home/u/.iapeer/tmux.conf' };
const ID = 'demo-boris';
const PREFIX = ['-S', SERVER.socket, '-f', SERVER.configFile];
const EXIT_FILE = '/home/u/.iapeer/state/demo-boris/exit-status';

/** The argv tmux runs: after `--`, the wrapper (sh, its script, its name, the exit file), then the runtime's argv. */
function runtimeArgv(args: readonly string[]): string[] {
  const rest = args.slice(args.indexOf('--') + 1);
  expect(rest.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  expect(rest.slice(3, 5)).toEqual([WRAPPER_NAME, EXIT_FILE]);
  return rest.slice(5);
}

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
    ['newSessionArgs', newSessionArgs(SERVER, { identity: ID, cwd: '/work', env: {}, argv: ['node', 'agent.js'] }, EXIT_FILE)],
    ['listPanesArgs', listPanesArgs(SERVER, ID)],
    ['paneAndScreenArgs', paneAndScreenArgs(SERVER, ID)],
    ['paneAndTextArgs', paneAndTextArgs(SERVER, ID, 40)],
    ['lastWordsArgs', lastWordsArgs(SERVER)],
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
    }, EXIT_FILE);
    expect(args.slice(0, args.indexOf('--') + 1)).toEqual([
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
    ]);
    expect(runtimeArgv(args)).toEqual(['node', '/abs/agent.js', '--resume']);
  });

  it('newSessionArgs: argv items ending in ; are escaped, so tmux does not split the command', () => {
    const args = newSessionArgs(SERVER, { identity: ID, cwd: '/w', env: { K: 'v;' }, argv: ['sh', '-c', 'echo one; echo two;', ';'] }, EXIT_FILE);
    expect(runtimeArgv(args)).toEqual(['sh', '-c', 'echo one; echo two\\;', '\\;']);
    expect(args).toContain('K=v\\;');
    expect(args.filter((arg) => arg === ';')).toEqual([]);
  });

  it('newSessionArgs: -- comes after every option, so argv cannot be read as tmux options', () => {
    const args = newSessionArgs(SERVER, { identity: ID, cwd: '/w', env: {}, argv: ['-t', 'x'] }, EXIT_FILE);
    const dashDash = args.indexOf('--');
    expect(runtimeArgv(args)).toEqual(['-t', 'x']);
    expect(args.slice(0, dashDash)).not.toContain('-t');
  });

  it('newSessionArgs: a one-word command is one argv item, never a shell string', () => {
    const args = newSessionArgs(SERVER, { identity: ID, cwd: '/w', env: {}, argv: ['/opt/my agent/run'] }, EXIT_FILE);
    expect(runtimeArgv(args)).toEqual(['/opt/my agent/run']);
    expect(args.slice(args.indexOf('--') + 1).length).toBeGreaterThan(1);
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
    expect(PANE_FORMAT.split(FIELD_SEPARATOR)).toHaveLength(7);
    expect(AGENT_PANE).toBe('%0');
  });

  it('paneAndScreenArgs joins list-panes and capture-pane with exactly one unescaped ;', () => {
    const args = paneAndScreenArgs(SERVER, ID);
    expect(args.filter((arg) => arg === ';')).toHaveLength(1);
    const separator = args.indexOf(';');
    // The pane's line, with the cursor read in the same command queue as the screen.
    expect(args.slice(0, separator)).toEqual([...listPanesArgs(SERVER, ID).slice(0, -1), LOOK_FORMAT]);
    expect(LOOK_FORMAT).toBe(`${PANE_FORMAT}|#{cursor_x}|#{cursor_y}`);
    expect(args.slice(separator + 1)).toEqual(['capture-pane', '-p', '-N', '-t', AGENT_PANE]);
  });

  it('splitLookLine takes the cursor off the pane line, and leaves a line without one whole', () => {
    expect(splitLookLine('4242|0||/dev/pts/3|0|4000||12|49')).toEqual({ paneLine: '4242|0||/dev/pts/3|0|4000|', cursor: { x: 12, y: 49 } });
    expect(splitLookLine('4242|0||/dev/pts/3|0|4000||0|0').cursor).toEqual({ x: 0, y: 0 });
    for (const bad of ['4242|0||/dev/pts/3|0|4000||x|1', '4242|0||/dev/pts/3|0|4000||1|', '', 'junk', '1|-1|2']) {
      expect(splitLookLine(bad), bad).toEqual({ paneLine: bad, cursor: undefined });
    }
  });

  it('paneAndTextArgs (peek) captures without colours or kept spaces, with history only when asked', () => {
    const args = paneAndTextArgs(SERVER, ID);
    expect(args.filter((arg) => arg === ';')).toHaveLength(1);
    const separator = args.indexOf(';');
    expect(args.slice(0, separator)).toEqual(listPanesArgs(SERVER, ID));
    expect(args.slice(separator + 1)).toEqual(['capture-pane', '-p', '-t', AGENT_PANE]);
    expect(paneAndTextArgs(SERVER, ID, 40).slice(separator + 1)).toEqual(['capture-pane', '-p', '-S', '-40', '-t', AGENT_PANE]);
    expect(paneAndTextArgs(SERVER, ID, 10 ** 9).slice(separator + 1)).toContain('-100000');
  });

  it('splitPaneAndScreen takes the pane line off the front of what a look printed', () => {
    expect(splitPaneAndScreen('4242|0||/dev/pts/3|0|4000|\nline one\n\nlast\n')).toEqual({ paneLine: '4242|0||/dev/pts/3|0|4000|', screen: 'line one\n\nlast\n' });
    expect(splitPaneAndScreen('')).toEqual({ paneLine: '', screen: '' });
  });

  it('lastWordsArgs reads a dead pane with some history, where its last line may have scrolled', () => {
    expect(lastWordsArgs(SERVER)).toEqual([...PREFIX, 'capture-pane', '-p', '-S', '-20', '-t', AGENT_PANE]);
  });

  it("pane commands target the agent's pane by its id", () => {
    expect(sendKeyArgs(SERVER, 'Enter')).toEqual([...PREFIX, 'send-keys', '-t', AGENT_PANE, 'Enter']);
    expect(cancelModeArgs(SERVER)).toEqual([...PREFIX, 'send-keys', '-X', '-t', AGENT_PANE, 'cancel']);
    expect(pasteBufferArgs(SERVER, 'b1')).toEqual([...PREFIX, 'paste-buffer', '-p', '-r', '-d', '-b', 'b1', '-t', AGENT_PANE]);
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

describe('format separator', () => {
  it('is printable ASCII, which a tmux client prints as is in any locale (a tab becomes _ without UTF-8)', () => {
    expect(FIELD_SEPARATOR).toMatch(/^[!-~]$/);
    expect(FIELD_SEPARATOR).not.toBe('_');
    expect(PANE_FORMAT).not.toMatch(/[\t_](?![a-z])/);
    expect(SPAWN_FORMAT.split(FIELD_SEPARATOR)).toEqual(['#{pane_pid}', '#{pane_tty}', '#{pid}']);
  });
});

describe('parsePaneLine', () => {
  it('reads a live pane', () => {
    expect(parsePaneLine('4242|0||/dev/pts/3|1|4000|')).toEqual({
      pid: 4242,
      dead: false,
      exitStatus: undefined,
      tty: '/dev/pts/3',
      inMode: true,
      serverPid: 4000,
    });
  });

  it('reads a dead pane with its status, or 128 + N for a death by signal N', () => {
    expect(parsePaneLine('4242|1|3|/dev/pts/3|0|4000|')).toMatchObject({ dead: true, exitStatus: 3 });
    expect(parsePaneLine('4242|1||/dev/ttys003|0|4000|15')).toMatchObject({ dead: true, exitStatus: 143 });
    expect(parsePaneLine('4242|1||/dev/pts/3|0|4000|')).toMatchObject({ dead: true, exitStatus: undefined });
  });

  it.each([
    ['what a localeless tmux prints for tabs', '4242_0__/dev/pts/3_0_4000_'],
    ['a tab-separated line', '4242\t0\t\t/dev/pts/3\t0\t4000\t'],
    ['too few fields', '4242|0||/dev/pts/3|0|4000'],
    ['too many fields', '4242|0||/dev/pts/3|0|4000||'],
    ['a dead flag that is not 0 or 1', '4242|yes||/dev/pts/3|0|4000|'],
    ['pid 0', '0|0||/dev/pts/3|0|4000|'],
    ['a non-numeric status', '4242|1|x|/dev/pts/3|0|4000|'],
    ['an empty line', ''],
  ])('refuses %s', (_what, line) => {
    expect(parsePaneLine(line)).toBeUndefined();
  });
});

describe('parseSpawnLine', () => {
  it('reads pid, tty and server pid', () => {
    expect(parseSpawnLine('4242|/dev/pts/3|4000')).toEqual({ pid: 4242, tty: '/dev/pts/3', serverPid: 4000 });
  });

  it.each(['4242_/dev/pts/3_4000', '4242\t/dev/pts/3\t4000', '4242|/dev/pts/3', '|/dev/pts/3|4000', ''])('refuses %j', (line) => {
    expect(parseSpawnLine(line)).toBeUndefined();
  });
});
