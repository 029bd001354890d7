/** Marks iapeer's errors across bundles: each verb is bundled apart, with its own copy of this class. */
const BRAND = Symbol.for('iapeer.error');

/**
 * Every failure iapeer reports carries a stable `code` and the exit code the CLI
 * returns for it: 2 for usage or invalid input, 1 for a refusal or a run-time failure.
 */
export abstract class IapeerError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: 1 | 2;
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad arguments, names, values or files given by the caller (exit 2). */
export class UsageError extends IapeerError {
  readonly code: string;
  readonly exitCode = 2 as const;
  constructor(message: string, code = 'EUSAGE', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An environment variable with a value iapeer cannot use (exit 2). */
export class ConfigError extends UsageError {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`, 'ECONFIG');
  }
}

/** A peer, runtime or identity that is not registered (exit 2). */
export class NotFoundError extends UsageError {
  constructor(message: string) {
    super(message, 'ENOTFOUND');
  }
}

/** The operation was understood but refused or could not be done now (exit 1). */
export class RefusedError extends IapeerError {
  readonly code: string;
  readonly exitCode = 1 as const;
  constructor(message: string, code = 'EREFUSED', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A file iapeer owns failed to parse or validate; it is left untouched (exit 1). */
export class CorruptFileError extends RefusedError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file} is invalid (${problem}); it was left untouched: fix it or move it aside`, 'ECORRUPT');
  }
}

/** The registry lock could not be taken or was lost mid-write (exit 1). */
export class LockError extends RefusedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ELOCK', options);
  }
}

/** tmux or a runtime process failed (exit 1). */
export class SessionError extends RefusedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ESESSION', options);
  }
}

export function isIapeerError(error: unknown): error is IapeerError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** The `code` of a Node system error (`ENOENT`, `EEXIST`, …), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** An error's message, or the thing itself as text when something else was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Another host did not answer, or iapeer could not run there (exit 1); the message names the host. */
export class HostError extends RefusedError {
  constructor(message: string) {
    super(message, 'EHOST');
  }
}
