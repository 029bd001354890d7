import type { Cursor } from '../tmux/tmux-args.js';

export type { Cursor };

/**
 * How far above the cursor the composer's first line may be: a multi-line composer (Codex
 * shows a 12-line paste in full) leaves the cursor on its last line. About a screen.
 */
export const COMPOSER_SEARCH_LINES = 50;
/**
 * Lines above the composer where runtimes draw that they are busy: Claude's spinner 3 lines
 * up and its `⎿ Queued` 5 up, Codex's `Working` 3 up, 7 with one queued input (see the README).
 */
export const BUSY_LINES_ABOVE = 10;

/** Where the runtime's patterns are judged: the composer lines, and the lines busy may be drawn on. */
export interface Regions {
  /** The composer: from its first line down to the bottom of the screen (the runtime's footer). */
  readonly composer: readonly string[];
  /** The composer region and a few lines above it. */
  readonly busy: readonly string[];
}

/**
 * The composer region of a screen: from the nearest line at or above the cursor that one of
 * the runtime's prompt patterns (ready, composer, composerEmpty) matches, searched a bounded
 * number of lines up, else from the cursor's own line, down to the bottom. History lines above
 * it are never read as the composer, even when they look like a prompt (`> single line` of a
 * line-based agent). Without a cursor (or one off the screen) the whole screen is the region.
 */
export function regionsOf(lines: readonly string[], cursor: Cursor | undefined, prompts: readonly RegExp[]): Regions {
  if (cursor === undefined || !Number.isInteger(cursor.y) || cursor.y < 0 || cursor.y >= lines.length) return { composer: lines, busy: lines };
  let start = cursor.y;
  for (let row = cursor.y; row >= Math.max(0, cursor.y - COMPOSER_SEARCH_LINES); row--) {
    const line = lines[row] ?? '';
    if (prompts.some((pattern) => pattern.test(line))) {
      start = row;
      break;
    }
  }
  return { composer: lines.slice(start), busy: lines.slice(Math.max(0, start - BUSY_LINES_ABOVE)) };
}

/** The text of the line holding the cursor, or undefined without a cursor on the screen. */
export function cursorLine(lines: readonly string[], cursor: Cursor | undefined): string | undefined {
  if (cursor === undefined || cursor.y < 0 || cursor.y >= lines.length) return undefined;
  return lines[cursor.y];
}
