export interface Runtime {
  readonly name: string;
  /** argv of a fresh start. */
  readonly fresh: readonly string[];
  /** argv that resumes the previous conversation (defaults to `fresh`). */
  readonly resume: readonly string[];
  /** Matched line by line against the screen to tell the runtime is ready for input. */
  readonly ready: RegExp | undefined;
  /** tmux key name sent by `interrupt`. */
  readonly interrupt: string;
  /** Text submitted by `compact`. */
  readonly compact: string;
  /** Extra environment for the session. */
  readonly env: Readonly<Record<string, string>>;
  readonly builtin: boolean;
}

export type RuntimeTable = ReadonlyMap<string, Runtime>;
