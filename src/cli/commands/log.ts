import { RefusedError } from '../../core/errors.js';
import type { Verb } from '../context-from-env.js';

export interface LogOptions {
  readonly peer?: string;
  readonly ev?: string;
  readonly since?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
}

// Placeholder while the verb is being built.
export function log(_options: LogOptions, _verb: Verb): Promise<void> {
  return Promise.reject(new RefusedError('not built yet'));
}
