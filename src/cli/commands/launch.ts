import { UsageError } from '../../core/errors.js';
import { parseRuntimeName } from '../../core/names.js';
import { attachIdentity } from '../../lifecycle/peers/attach-peer.js';
import { isKnownRuntime, launchName, launchPeer } from '../../lifecycle/peers/launch-peer.js';
import type { Verb } from '../context-from-env.js';
import { nearest, printLine, shown } from '../output.js';
import { requireTerminal } from '../terminal.js';

export interface LaunchOptions {
  readonly runtime: string;
  readonly name: string | undefined;
  readonly detach: boolean;
  /** Words after the runtime: none are taken, but they tell a mistyped verb (`iapeer strat boris`). */
  readonly extra: readonly string[];
  /** The verbs, to suggest one when the word is neither a verb nor a runtime. */
  readonly verbs: readonly string[];
}

/** `iapeer <runtime>`: launch the current directory's peer fresh, then attach unless --detach. */
export async function launch(options: LaunchOptions, { ctx, io }: Verb): Promise<number> {
  const word = options.runtime;
  // runtimes.json is read only here, for a word that is not a verb.
  const { known, names } = await isKnownRuntime(ctx, word);
  if (!known) throw unknownWord(word, options.verbs, names);
  const runtime = parseRuntimeName(word);
  const option = options.extra.find((arg) => arg.startsWith('-'));
  if (option !== undefined) throw new UsageError(`unknown option '${option}'; see iapeer --help`);
  if (options.extra.length > 0) {
    throw new UsageError(`iapeer ${runtime} takes no arguments, got ${JSON.stringify(options.extra.join(' ').slice(0, 80))}; see iapeer --help`);
  }
  const personality = launchName(ctx.cwd, options.name);
  if (!options.detach) requireTerminal(io, `iapeer ${runtime} (without --detach)`);
  const { peer, wake } = await launchPeer(ctx, { runtime, personality });
  printLine(
    io,
    wake.outcome === 'woken'
      ? `launched ${wake.identity} fresh in ${shown(peer.cwd)}, pid ${wake.pid}`
      : `${wake.identity} is already live; not starting a second one`,
  );
  return options.detach ? 0 : attachIdentity(ctx, wake.identity);
}

/** An unknown verb suggests the nearest verb or runtime; with nothing near, it lists the runtimes. */
function unknownWord(word: string, verbs: readonly string[], runtimes: readonly string[]): UsageError {
  const guess = nearest(word, [...verbs, ...runtimes]);
  if (guess !== undefined) {
    const what = verbs.includes(guess) ? 'verb' : 'verb or runtime';
    return new UsageError(`unknown ${what} ${JSON.stringify(word)}; did you mean ${guess}? (see iapeer --help)`, 'ENOTFOUND');
  }
  parseRuntimeName(word);
  return new UsageError(`"${word}" is neither a verb nor a runtime (runtimes: ${runtimes.join(', ')}); see iapeer --help`, 'ENOTFOUND');
}
