/**
 * What iapeer adds to a runtime's command at launch (see launch-argv.ts): the agent-event
 * hooks, the MCP server and the session-id flags of that program.
 */
export type Wiring = 'claude' | 'codex' | 'demo';

export interface Runtime {
  readonly name: string;
  /** argv of a fresh start: the base command, before launchArgv adds the wiring's flags. */
  readonly fresh: readonly string[];
  /** argv of a resume (defaults to `fresh`); `@SESSION_ID@` in it is the recorded session id. */
  readonly resume: readonly string[];
  /** The program whose flags launchArgv adds; none for a user runtime that did not ask for one. */
  readonly wiring?: Wiring | undefined;
  /** Matched line by line against the screen to tell the runtime is ready for input. */
  readonly ready: RegExp | undefined;
  /** tmux key name sent by `interrupt`. */
  readonly interrupt: string;
  /** Text submitted by `compact`. */
  readonly compact: string;
  /** Extra environment for the session. */
  readonly env: Readonly<Record<string, string>>;
  /** A screen line showing the composer holding text (a draft, a paste, or its placeholder). */
  readonly composer?: RegExp | undefined;
  /** A screen line showing the composer empty, for runtimes whose text lines cannot be told apart. */
  readonly composerEmpty?: RegExp | undefined;
  /** A screen line showing the runtime working, or holding queued input. */
  readonly busy?: RegExp | undefined;
  /** Pause between a paste and its Enter. */
  readonly settleMs?: number;
  /** Enter presses after the first, while the composer still holds the message. */
  readonly enterRetries?: number;
}

export type RuntimeTable = ReadonlyMap<string, Runtime>;
