import { SESSION_ID_TOKEN, type TokenValues, substituteTokens } from './argv-tokens.js';
import { claudeHookFlags, codexHookFlags, demoHookFlags } from './hook-flags.js';
import { claudeMcpFlags, codexMcpFlags } from './mcp-flags.js';
import type { Runtime } from './runtime.js';

export interface LaunchOptions {
  readonly mode: 'fresh' | 'resume';
  /**
   * fresh: the id the new session takes where the runtime lets iapeer choose it (Claude, demo,
   * `@SESSION_ID@` in a user runtime's `fresh`); resume: the recorded id to go back to.
   */
  readonly sessionId?: string | undefined;
  /** Where the hooks append the agent's events (absolute). */
  readonly eventsFile: string;
  /** The node that runs iapeer's MCP server. */
  readonly nodeBin: string;
  /** The session's values for `@PEER_IDENTITY@` and its kin; without them those tokens stay in the argv. */
  readonly tokens?: TokenValues | undefined;
}

/** The ids the wired programs take: Claude's `--resume <not a uuid>` opens an interactive picker. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What `@SESSION_ID@` may become in a user runtime's argv. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The thrown error of a launch that cannot be built; the caller decides (a fresh start, a refusal). */
export class LaunchArgvError extends Error {
  override readonly name = 'LaunchArgvError';
}

/**
 * Whether a resume of this runtime needs a recorded session id: the wired ones resume by id
 * (never "the most recent conversation in the directory"), a user runtime when its `resume`
 * says `@SESSION_ID@`. The demo resumes its transcript without one.
 */
export function resumeNeedsSessionId(runtime: Runtime): boolean {
  if (runtime.wiring === 'claude' || runtime.wiring === 'codex') return true;
  return runtime.wiring === undefined && runtime.resume.some((arg) => arg.includes(SESSION_ID_TOKEN));
}

/**
 * Whether a fresh start takes the session id iapeer gives it (Claude's `--session-id`, the
 * demo's, `@SESSION_ID@` in a user runtime's `fresh`); Codex picks its own and reports it.
 */
export function choosesSessionId(runtime: Runtime): boolean {
  if (runtime.wiring === 'claude' || runtime.wiring === 'demo') return true;
  return runtime.wiring === undefined && runtime.fresh.some((arg) => arg.includes(SESSION_ID_TOKEN));
}

function checkedId(runtime: Runtime, options: LaunchOptions): string | undefined {
  const id = options.sessionId;
  if (id === undefined) {
    const base = options.mode === 'resume' ? runtime.resume : runtime.fresh;
    const needed = options.mode === 'resume' ? resumeNeedsSessionId(runtime) : base.some((arg) => arg.includes(SESSION_ID_TOKEN));
    if (needed) throw new LaunchArgvError(`runtime ${runtime.name}: a ${options.mode} start needs a session id`);
    return undefined;
  }
  const pattern = runtime.wiring === undefined ? SESSION_ID : UUID;
  if (!pattern.test(id)) throw new LaunchArgvError(`runtime ${runtime.name}: session id ${JSON.stringify(id)} is not ${runtime.wiring === undefined ? 'a plain id' : 'a uuid'}`);
  return id;
}

/**
 * The argv of one launch: the runtime's base command, then (for a wired runtime) the MCP
 * server, the event hooks and the session flags. `@SESSION_ID@` and the session tokens are
 * replaced in the base and the MCP flags only, in one pass, so nothing iapeer adds is rewritten.
 */
export function launchArgv(runtime: Runtime, options: LaunchOptions): string[] {
  const id = checkedId(runtime, options);
  const base = options.mode === 'resume' ? runtime.resume : runtime.fresh;
  const values: TokenValues = { ...options.tokens, ...(id === undefined ? {} : { SESSION_ID: id }) };
  const resume = options.mode === 'resume';
  switch (runtime.wiring) {
    case 'claude': {
      const session = id === undefined ? [] : [resume ? '--resume' : '--session-id', id];
      return [...substituteTokens([...base, ...claudeMcpFlags(options.nodeBin)], values), ...claudeHookFlags(options.eventsFile), ...session];
    }
    case 'codex': {
      // Codex cannot be given the id of a new session: it reports its own in the hooks.
      const session = resume && id !== undefined ? ['resume', id] : [];
      return [...substituteTokens([...base, ...codexMcpFlags(options.nodeBin)], values), ...codexHookFlags(options.eventsFile), ...session];
    }
    case 'demo': {
      const session = id === undefined ? (resume ? ['--resume'] : []) : [resume ? '--resume' : '--session-id', id];
      return [...substituteTokens(base, values), ...demoHookFlags(options.eventsFile), ...session];
    }
    case undefined:
      return substituteTokens(base, values);
  }
}
