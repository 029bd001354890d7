import { constants, lstatSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Config, type Env, loadConfig } from '../../core/config.js';
import { isIapeerError, messageOf } from '../../core/errors.js';
import { formatIdentity } from '../../core/names.js';
import { type Paths, assertHomeSafe, checkSockDirIfPresent, pathsFor } from '../../core/paths.js';
import { findExecutable } from '../../core/process/process.js';
import { counted } from '../../core/text/counted.js';
import { assertPrivateEnough } from '../../core/fs/safe-fs.js';
import { readRegistry } from '../../registry/read-registry.js';
import type { Registry } from '../../registry/schema.js';
import { builtinRuntimes } from '../../runtimes/builtin-runtimes.js';
import { loadRuntimes } from '../../runtimes/load-runtimes.js';
import type { RuntimeTable } from '../../runtimes/runtime.js';
import { createTmuxRunner } from '../../transport/tmux/tmux-client.js';
import { childEnvOf } from '../context/app-context.js';
import { readDaemonStatus } from '../supervise/daemon-state.js';
import {
  type Check,
  type DoctorReport,
  type RuntimeUse,
  type TmuxFacts,
  type VariableProblem,
  daemonCheck,
  doctorReport,
  environmentChecks,
  fromMessage,
  ok,
  problem,
  runtimeChecks,
  socketPathsCheck,
  tmuxCheck,
} from './doctor-checks.js';

export interface DoctorInput {
  /** The environment as given, maybe with invalid values: doctor reports them instead of stopping. */
  readonly env: Env;
  readonly homeDir: string | undefined;
  readonly nodeBin: string;
  readonly now?: () => Date;
}

// IAPEER_DEBUG is read by the entry point (src/cli/main.ts), not loadConfig: the same words.
const DEBUG_WORDS = ['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off'];

// `tmux -V` needs no server and no socket.
const TMUX_VERSION_ARGS = ['-V'];

/**
 * Each iapeer variable alone through loadConfig, so that every bad one is named, then the
 * config without them: the checks that need none of them still run.
 */
function configOf(env: Env, homeDir: string | undefined): { config: Config | undefined; problems: VariableProblem[] } {
  const problems: VariableProblem[] = [];
  const usable: Record<string, string | undefined> = { ...env };
  for (const variable of Object.keys(env).filter((name) => name.startsWith('IAPEER_')).sort()) {
    try {
      loadConfig({ [variable]: env[variable] }, '/');
    } catch (error) {
      if (!isIapeerError(error)) throw error;
      problems.push({ variable, message: error.message });
      delete usable[variable];
    }
  }
  const debug = env['IAPEER_DEBUG'];
  if (debug !== undefined && !DEBUG_WORDS.includes(debug.toLowerCase())) {
    problems.push({ variable: 'IAPEER_DEBUG', message: `IAPEER_DEBUG: expected one of ${DEBUG_WORDS.join(', ')}, got ${JSON.stringify(debug.slice(0, 80))}` });
  }
  try {
    return { config: loadConfig(usable, homeDir), problems };
  } catch (error) {
    // With the bad variables left out, what remains to fail is a home with nothing to default to.
    if (!isIapeerError(error)) throw error;
    return { config: undefined, problems: [...problems, { variable: 'IAPEER_HOME', message: error.message }] };
  }
}

async function canAccess(path: string, mode: number): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

const WRITE_AND_ENTER = constants.W_OK | constants.X_OK;

/** An absent directory: fine if its nearest existing ancestor is a directory this user can write. */
async function creatableCheck(name: string, path: string, variable: string): Promise<Check> {
  let ancestor = dirname(path);
  while (statSync(ancestor, { throwIfNoEntry: false }) === undefined && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
  const info = statSync(ancestor, { throwIfNoEntry: false });
  const fix = `create it yourself (mkdir -p -m 700 ${path}) or point ${variable} at a directory of your own`;
  if (info === undefined || !info.isDirectory()) return problem(name, 'fail', `${path} is absent and cannot be created: ${ancestor} is not a directory`, fix);
  if (!(await canAccess(ancestor, WRITE_AND_ENTER))) {
    return problem(name, 'fail', `${path} is absent and cannot be created: ${ancestor} is not writable by you`, fix);
  }
  return ok(name, `${path} is absent; iapeer creates it (mode 0700) when first needed`);
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
}

/** A directory that passed iapeer's own safety checks (`assertSafe`), then: there, and writable. */
async function dirCheck(name: string, path: string, variable: string, assertSafe: () => void | Promise<void>, fallbackFix: string): Promise<Check> {
  try {
    await assertSafe();
  } catch (error) {
    return fromMessage(name, 'fail', messageOf(error), fallbackFix);
  }
  if (statSync(path, { throwIfNoEntry: false }) === undefined) return creatableCheck(name, path, variable);
  if (!(await canAccess(path, WRITE_AND_ENTER))) return problem(name, 'fail', `${path} is not writable by you`, `run: chmod u+rwx ${path}`);
  return ok(name, `${path} (mode ${modeOf(path)})`);
}

async function tmuxFacts(bin: string, env: Env): Promise<TmuxFacts> {
  const path = await findExecutable(bin, env['PATH']);
  if (path === undefined) return { found: false, bin };
  try {
    const result = await createTmuxRunner(path, childEnvOf(env)).run(TMUX_VERSION_ARGS);
    if (!result.ok) return { found: true, bin, path, output: result.stdout, error: result.stderr.trim().split('\n')[0] || 'no output' };
    return { found: true, bin, path, output: result.stdout };
  } catch (error) {
    return { found: true, bin, path, output: '', error: messageOf(error) };
  }
}

function registryCheck(paths: Paths): { check: Check; registry: Registry | undefined } {
  const name = 'registry';
  try {
    const registry = readRegistry(paths.registry);
    if (lstatSync(paths.registry, { throwIfNoEntry: false }) === undefined) {
      return { check: ok(name, `${paths.registry} is absent: no peers yet`), registry };
    }
    return { check: ok(name, `${paths.registry}: ${counted(registry.peers.length, 'peer')}`), registry };
  } catch (error) {
    const fix = `fix ${paths.registry} or move it aside; iapeer never rewrites a registry it cannot read`;
    return { check: fromMessage(name, 'fail', messageOf(error), fix), registry: undefined };
  }
}

async function runtimesFileCheck(paths: Paths, nodeBin: string): Promise<{ check: Check; table: RuntimeTable | undefined }> {
  const name = 'runtimes.json';
  try {
    const table = await loadRuntimes(paths.runtimes, nodeBin);
    if (lstatSync(paths.runtimes, { throwIfNoEntry: false }) === undefined) {
      return { check: ok(name, `${paths.runtimes} is absent: the built-in runtimes only (${[...table.keys()].join(', ')})`), table };
    }
    const builtins = new Set(builtinRuntimes(nodeBin).map((runtime) => runtime.name));
    const defined = [...table.keys()].filter((runtime) => !builtins.has(runtime));
    return { check: ok(name, `${paths.runtimes}: valid${defined.length === 0 ? '' : `, defines ${defined.join(', ')}`}`), table };
  } catch (error) {
    return { check: fromMessage(name, 'fail', messageOf(error), `fix ${paths.runtimes} or move it aside`), table: undefined };
  }
}

/** Every runtime the registry uses, with the peers using it and its commands not found on PATH. */
async function runtimeUses(registry: Registry, table: RuntimeTable, env: Env): Promise<RuntimeUse[]> {
  const peersByRuntime = new Map<string, string[]>();
  for (const peer of registry.peers) {
    for (const runtime of peer.runtimes) peersByRuntime.set(runtime, [...(peersByRuntime.get(runtime) ?? []), peer.personality]);
  }
  const uses: RuntimeUse[] = [];
  for (const [runtime, peers] of peersByRuntime) {
    const definition = table.get(runtime);
    if (definition === undefined) {
      uses.push({ runtime, peers, commands: undefined, missing: [] });
      continue;
    }
    const commands = [...new Set([definition.fresh[0], definition.resume[0]].filter((command): command is string => command !== undefined))];
    const found = await Promise.all(commands.map((command) => findExecutable(command, env['PATH'])));
    uses.push({ runtime, peers, commands, missing: commands.filter((_, index) => found[index] === undefined) });
  }
  return uses;
}

async function logsCheck(paths: Paths): Promise<Check> {
  const name = 'logs';
  const dir = await dirCheck(name, paths.logsDir, 'IAPEER_HOME', () => assertPrivateEnough(paths.logsDir, 'dir', 'log directory'), 'move it aside');
  if (dir.status !== 'ok') return dir;
  for (const [file, what] of [
    [paths.lifecycleLog, 'lifecycle log'],
    [paths.daemonLog, 'daemon log'],
  ] as const) {
    try {
      assertPrivateEnough(file, 'file', what);
    } catch (error) {
      return fromMessage(name, 'fail', messageOf(error), 'move it aside');
    }
    if (statSync(file, { throwIfNoEntry: false }) !== undefined && !(await canAccess(file, constants.W_OK))) {
      return problem(name, 'fail', `${what} ${file} is not writable by you`, `run: chmod 600 ${file}`);
    }
  }
  return dir;
}

/** The checks of iapeer's home; `sockDirUsable` false when IAPEER_SOCK_DIR itself is invalid. */
async function homeChecks(config: Config, input: DoctorInput, sockDirUsable: boolean): Promise<Check[]> {
  const paths = pathsFor(config);
  const now = input.now ?? (() => new Date());
  const checks: Check[] = [];
  checks.push(await dirCheck('home', paths.home, 'IAPEER_HOME', () => assertHomeSafe(paths.home), 'point IAPEER_HOME at a directory of your own'));
  if (sockDirUsable) {
    checks.push(
      await dirCheck('socket dir', paths.sockDir, 'IAPEER_SOCK_DIR', () => checkSockDirIfPresent(paths), 'point IAPEER_SOCK_DIR at a directory of your own'),
    );
  }
  const { check: registryFinding, registry } = registryCheck(paths);
  checks.push(registryFinding);
  const identities = registry?.peers.flatMap((peer) => peer.runtimes.map((runtime) => formatIdentity({ runtime, personality: peer.personality }))) ?? [];
  if (sockDirUsable) checks.push(socketPathsCheck(paths.sockDir, identities, paths.daemonSocket));
  const { check: runtimesFinding, table } = await runtimesFileCheck(paths, input.nodeBin);
  checks.push(runtimesFinding);
  if (registry !== undefined) {
    const known = table ?? new Map(builtinRuntimes(input.nodeBin).map((runtime) => [runtime.name, runtime]));
    checks.push(...runtimeChecks(await runtimeUses(registry, known, input.env), paths.runtimes, table !== undefined));
  }
  checks.push(daemonCheck(readDaemonStatus(paths), now(), config.superviseIntervalMs, paths.daemonState));
  checks.push(await logsCheck(paths));
  return checks;
}

/**
 * Checks what iapeer needs, changing nothing (no directory made, no file written) and
 * going on past any problem, an invalid environment included: each finding says what to do.
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { config, problems } = configOf(input.env, input.homeDir);
  const bad = new Set(problems.map((found) => found.variable));
  const homeUsable = config !== undefined && !bad.has('IAPEER_HOME');
  const skipped = [
    ...(bad.has('IAPEER_TMUX') ? ['tmux'] : []),
    ...(homeUsable ? [] : ['home', 'registry', 'runtimes', 'daemon', 'logs']),
    ...(homeUsable && !bad.has('IAPEER_SOCK_DIR') ? [] : ['socket dir', 'socket paths']),
  ];
  const checks = environmentChecks(problems, skipped);
  // A valid IAPEER_TMUX is the binary as given, config or not.
  if (!bad.has('IAPEER_TMUX')) checks.push(tmuxCheck(await tmuxFacts(config?.tmuxBin ?? input.env['IAPEER_TMUX'] ?? 'tmux', input.env)));
  if (config !== undefined && homeUsable) checks.push(...(await homeChecks(config, input, !bad.has('IAPEER_SOCK_DIR'))));
  return doctorReport(checks);
}
