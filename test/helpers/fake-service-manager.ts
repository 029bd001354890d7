import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Fake `systemctl`, `launchctl` and `loginctl`, put first on PATH: each logs its argv (one
 * JSON array a line) and answers like the real one for the commands iapeer runs. The fake
 * systemctl can also run a unit for real: `enable --now` / `start` / `restart` start its
 * ExecStart in the background with its Environment and its `append:` log, as systemd
 * would, and `stop` / `disable --now` / `restart` SIGTERM it and wait for it to exit.
 */
export interface FakeServiceManager {
  readonly dir: string;
  /** PATH with the fakes first, and their settings. */
  readonly env: Record<string, string>;
  /** Every command the fakes were asked to run, in order. */
  calls(): Promise<string[][]>;
  /** The pid of a unit the fake systemctl runs, if it runs. */
  unitPid(unit: string): Promise<number | undefined>;
  /** Kills whatever the fake systemctl still runs. */
  cleanup(): Promise<void>;
}

export interface FakeOptions {
  /** The fake systemctl runs units' ExecStart. */
  readonly runUnits?: boolean;
  /** `offline`: there is no systemd user manager to talk to (as in a container). */
  readonly systemd?: 'running' | 'offline';
  readonly linger?: 'yes' | 'no';
}

const COMMON = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const state = process.env.FAKE_SM_STATE;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(state, 'calls.log'), JSON.stringify([path.basename(process.argv[1]), ...args]) + '\n');
const done = (code, out = '', err = '') => {
  if (out) process.stdout.write(out + '\n');
  if (err) process.stderr.write(err + '\n');
  process.exit(code);
};
`;

const SYSTEMCTL = String.raw`
const { spawn } = require('node:child_process');
const words = args.filter((arg) => arg !== '--user');
const verb = words[0];
const unit = words.filter((word) => !word.startsWith('-'))[1];
if (process.env.FAKE_SM_SYSTEMD === 'offline') {
  if (verb === 'is-system-running') done(1, 'offline');
  done(1, '', 'Failed to connect to bus: No medium found');
}
const home = process.env.HOME;
const xdg = process.env.XDG_CONFIG_HOME && process.env.XDG_CONFIG_HOME.startsWith('/') ? process.env.XDG_CONFIG_HOME : path.join(home, '.config');
const pidFile = (name) => path.join(state, name + '.pid');
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const runningPid = (name) => {
  const pid = Number(fs.existsSync(pidFile(name)) ? fs.readFileSync(pidFile(name), 'utf8') : NaN);
  return Number.isInteger(pid) && alive(pid) ? pid : undefined;
};
// systemd's quoting: "…" with \\ and \" escapes, %% for %, $$ for $.
const unquote = (text) => {
  const out = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let word = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        word += text[i++];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ' ') word += text[i++];
    }
    out.push(word.replace(/%%/g, '%').replace(/\$\$/g, '$'));
  }
  return out;
};
const start = (name) => {
  if (process.env.FAKE_SM_RUN !== '1' || runningPid(name) !== undefined) return;
  const lines = fs.readFileSync(path.join(xdg, 'systemd', 'user', name), 'utf8').split('\n');
  const value = (key) => lines.filter((line) => line.startsWith(key + '=')).map((line) => line.slice(key.length + 1));
  const argv = unquote(value('ExecStart')[0]);
  const env = Object.fromEntries(value('Environment').map((text) => unquote(text)[0]).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const log = value('StandardOutput')[0].replace(/^append:/, '').replace(/%%/g, '%');
  const fd = fs.openSync(log, 'a');
  const child = spawn(argv[0], argv.slice(1), { env, cwd: value('WorkingDirectory')[0], detached: true, stdio: ['ignore', fd, fd] });
  fs.writeFileSync(pidFile(name), String(child.pid));
  child.unref();
};
const stop = async (name) => {
  const pid = runningPid(name);
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 30000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(pidFile(name), { force: true });
};
(async () => {
  switch (verb) {
    case 'is-system-running': done(0, 'running');
    case 'daemon-reload': done(0);
    case 'reset-failed': done(0);
    case 'enable': if (words.includes('--now')) start(unit); done(0);
    case 'start': start(unit); done(0);
    case 'restart': await stop(unit); start(unit); done(0);
    case 'disable': if (words.includes('--now')) await stop(unit); done(0);
    case 'stop': await stop(unit); done(0);
    default: done(1, '', 'Unknown command verb ' + verb);
  }
})();
`;

const LAUNCHCTL = String.raw`
const [verb, target, file] = args;
if (process.env.FAKE_SM_LAUNCHD === 'offline' && verb === 'print' && target.split('/').length === 2) done(113, '', 'Bad request. Could not find domain for port identifier.');
const label = (target || '').split('/')[2];
const loaded = (name) => path.join(state, 'loaded-' + name);
switch (verb) {
  case 'print':
    if (label === undefined) done(0, 'gui/' + target.split('/')[1] + ' = { }');
    if (fs.existsSync(loaded(label))) done(0, label + ' = { state = running }');
    done(113, '', 'Could not find service "' + label + '" in domain for port');
  case 'bootstrap': {
    const name = path.basename(file, '.plist');
    if (fs.existsSync(loaded(name))) done(5, '', 'Bootstrap failed: 5: Input/output error');
    fs.writeFileSync(loaded(name), file);
    done(0);
  }
  case 'bootout':
    if (!fs.existsSync(loaded(label))) done(3, '', 'Boot-out failed: 3: No such process');
    fs.rmSync(loaded(label));
    done(0);
  case 'enable':
  case 'kickstart':
    done(0);
  default:
    done(1, '', 'Unrecognized subcommand: ' + verb);
}
`;

const LOGINCTL = String.raw`
if (args[0] === 'show-user') done(0, process.env.FAKE_SM_LINGER || 'yes');
done(1, '', 'Unknown command verb ' + args[0]);
`;

export async function makeFakeServiceManager(dir: string, options: FakeOptions = {}): Promise<FakeServiceManager> {
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  await mkdir(bin, { recursive: true });
  await mkdir(state, { recursive: true });
  await writeFile(join(state, 'calls.log'), '');
  for (const [name, body] of [
    ['systemctl', SYSTEMCTL],
    ['launchctl', LAUNCHCTL],
    ['loginctl', LOGINCTL],
  ] as const) {
    await writeFile(join(bin, name), `#!${process.execPath}\n${COMMON}\n${body}`);
    await chmod(join(bin, name), 0o755);
  }
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    FAKE_SM_STATE: state,
    FAKE_SM_RUN: options.runUnits === true ? '1' : '0',
    FAKE_SM_SYSTEMD: options.systemd ?? 'running',
    FAKE_SM_LINGER: options.linger ?? 'yes',
  };
  const pidOf = async (unit: string) => {
    const text = await readFile(join(state, `${unit}.pid`), 'utf8').catch(() => undefined);
    const pid = Number(text);
    return text === undefined || !Number.isInteger(pid) ? undefined : pid;
  };
  return {
    dir,
    env,
    calls: async () =>
      (await readFile(join(state, 'calls.log'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
    unitPid: pidOf,
    cleanup: async () => {
      for (const name of await readdir(state)) {
        if (!name.endsWith('.pid')) continue;
        const pid = await pidOf(name.slice(0, -'.pid'.length));
        if (pid === undefined) continue;
        for (const target of [-pid, pid]) {
          try {
            process.kill(target, 'SIGKILL');
          } catch {
            // gone already
          }
        }
      }
    },
  };
}
