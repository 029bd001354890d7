import { boundedLines } from '../../core/text/regex-safety.js';
import { type Cursor, regionsOf } from './composer-region.js';

/**
 * What the delivery of one message needs to know of a runtime's screen. Patterns are
 * matched line by line against the screen as drawn, trailing spaces included, and only
 * where the composer is (see regionsOf): never on history lines.
 */
export interface DeliveryKnobs {
  /** The runtime's prompt drawn, ready for input; with the others, it tells where the composer starts. */
  readonly ready: RegExp | undefined;
  /** A line that shows the composer holding text (a draft or a paste, not its placeholder). */
  readonly composer: RegExp | undefined;
  /** A line that shows the composer empty; used when no `composer` pattern says it directly. */
  readonly composerEmpty: RegExp | undefined;
  /** A line that shows the runtime working or holding queued input. */
  readonly busy: RegExp | undefined;
  /** Pause between the paste and Enter, so the runtime sees them as two events. */
  readonly settleMs: number;
  /** Enter presses after the first one, while the composer still holds the message. */
  readonly enterRetries: number;
}

type PromptKnobs = Pick<DeliveryKnobs, 'ready' | 'composer' | 'composerEmpty'>;

const singleLine = new WeakMap<RegExp, RegExp>();

/** The pattern without g, y (no state between calls) and m (each line is tested alone). */
function lineMatcher(pattern: RegExp): RegExp {
  let matcher = singleLine.get(pattern);
  if (matcher === undefined) {
    matcher = new RegExp(pattern.source, pattern.flags.replace(/[gmy]/g, ''));
    singleLine.set(pattern, matcher);
  }
  return matcher;
}

/** The screen's lines, each cut to a bounded length (see boundedLines). */
export function screenLines(screen: string): string[] {
  return boundedLines(screen).split('\n');
}

/**
 * Some line of the screen matches, each line tested on its own (cut to a bounded length),
 * so that `\s` in a pattern never reaches into the next line: `^❯\u00a0\s*\S` must not read
 * an empty composer followed by a border line as a composer holding text.
 */
export function anyLineMatches(pattern: RegExp, screen: string, also: (line: string) => boolean = () => true): boolean {
  return linesMatch(pattern, screenLines(screen), also);
}

function linesMatch(pattern: RegExp, lines: readonly string[], also: (line: string) => boolean = () => true): boolean {
  const matcher = lineMatcher(pattern);
  return lines.some((line) => matcher.test(line) && also(line));
}

function promptsOf(knobs: PromptKnobs): RegExp[] {
  return [knobs.ready, knobs.composer, knobs.composerEmpty].filter((pattern): pattern is RegExp => pattern !== undefined).map(lineMatcher);
}

/** The composer lines of the screen (all of it without a cursor). */
export function composerLines(screen: string, knobs: PromptKnobs, cursor?: Cursor): readonly string[] {
  return regionsOf(screenLines(screen), cursor, promptsOf(knobs)).composer;
}

export type ComposerState = 'empty' | 'holds-text' | 'unknown';

/** Whether the composer holds text, as far as the runtime's patterns can tell, judged on the composer lines. */
export function composerState(screen: string, knobs: PromptKnobs, cursor?: Cursor): ComposerState {
  if (knobs.composer === undefined && knobs.composerEmpty === undefined) return 'unknown';
  const lines = composerLines(screen, knobs, cursor);
  if (knobs.composer) return linesMatch(knobs.composer, lines) ? 'holds-text' : 'empty';
  return knobs.composerEmpty !== undefined && linesMatch(knobs.composerEmpty, lines) ? 'empty' : 'holds-text';
}

/** The runtime draws that it is busy: judged on the composer lines and a few lines above them. */
export function showsBusy(screen: string, knobs: Pick<DeliveryKnobs, 'busy' | 'ready' | 'composer' | 'composerEmpty'>, cursor?: Cursor): boolean {
  if (knobs.busy === undefined) return false;
  return linesMatch(knobs.busy, regionsOf(screenLines(screen), cursor, promptsOf(knobs)).busy);
}

/** The header names the message's id; `[iap … id=<id>]` is what is looked for. */
export function idMark(id: string): string {
  return `id=${id}]`;
}

/** The message's header is somewhere on the screen: the composer or the history. */
export function showsMessage(screen: string, id: string): boolean {
  return screen.includes(idMark(id));
}

/**
 * Where the screen shows the message: in the composer (pasted, not yet taken), in the
 * history (taken), nowhere (never pasted, scrolled away, or drawn without its header, as
 * Claude draws a long paste as `[Pasted text #1 +12 lines]`), or `unsure`: a runtime with
 * only a `composerEmpty` pattern cannot tell its composer's first line from its history, so
 * a sighting while its composer holds text could be either (treated like a draft: neither
 * submitted nor pasted again).
 */
export function whereShown(screen: string, id: string, knobs: PromptKnobs, cursor?: Cursor): 'composer' | 'history' | 'nowhere' | 'unsure' {
  const mark = idMark(id);
  if (!screen.includes(mark)) return 'nowhere';
  const composer = knobs.composer;
  if (composer === undefined) return composerState(screen, knobs, cursor) === 'holds-text' ? 'unsure' : 'history';
  const inComposer = linesMatch(composer, composerLines(screen, knobs, cursor), (line) => line.includes(mark));
  return inComposer ? 'composer' : 'history';
}
