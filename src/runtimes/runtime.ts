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
