import { type UnreachableHost, isUnreachable } from '../lifecycle/hosts/every-host.js';
import type { Io } from './io.js';
import { shown } from './output.js';

/**
 * One warning line on stderr per host that did not answer (`--all-hosts`): the verb still
 * shows the others and exits 0, so a script reads the rest and an operator sees why.
 */
export function warnUnreachable(io: Io, verb: string, entries: readonly object[]): void {
  for (const entry of entries.filter(isUnreachable)) io.stderr.write(`${warningOf(verb, entry)}\n`);
}

export function warningOf(verb: string, entry: UnreachableHost): string {
  return `iapeer: ${verb}: warning: host ${entry.host} (${shown(entry.ssh)}) unreachable: ${shown(entry.error)}`;
}
