import { RefusedError } from '../../core/errors.js';
import type { Verb } from '../context-from-env.js';

// Placeholder while the verb is being built.
export function daemonRun(_options: Record<string, never>, _verb: Verb): Promise<void> {
  return Promise.reject(new RefusedError('not built yet'));
}
