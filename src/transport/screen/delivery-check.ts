import type { Cursor } from '../tmux/tmux-args.js';
import { type DeliveryKnobs, composerLines, idMark, screenLines } from './composer.js';

/**
 * How a delivery is verified: `screen` by the runtime's composer patterns (the composer let go
 * of the message); `cursor`, for a runtime without them, by the line holding the cursor (it
 * changed with the paste, and changed again with the Enter that took it).
 */
export type Verification = 'screen' | 'cursor';

/** How a submitted message was confirmed; `none` is reported as `unverified`. */
export type Confirmation = 'hook' | Verification | 'none';

export function verificationOf(knobs: Pick<DeliveryKnobs, 'composer' | 'composerEmpty'>): Verification {
  return knobs.composer !== undefined || knobs.composerEmpty !== undefined ? 'screen' : 'cursor';
}

/** The line holding the cursor, and where the cursor is on it. */
export interface CursorView {
  readonly line: string;
  readonly x: number;
  readonly y: number;
}

/** What the cursor shows of a screen; undefined without a cursor on it. */
export function cursorView(screen: string, cursor: Cursor | undefined): CursorView | undefined {
  if (cursor === undefined) return undefined;
  const line = screenLines(screen)[cursor.y];
  return line === undefined ? undefined : { line, x: cursor.x, y: cursor.y };
}

/**
 * The cursor's line or position is not what it was: after a paste, the paste showed (an
 * echo); after an Enter, the line that held the text let go of it. Unchanged after a dropped
 * Enter, and after a paste into an agent that shows nothing.
 */
export function cursorMoved(before: CursorView | undefined, now: CursorView | undefined): boolean {
  if (before === undefined || now === undefined) return false;
  return before.line !== now.line || before.x !== now.x || before.y !== now.y;
}

/**
 * Cursor verification: the message shows in the composer lines (from the ready prompt at or
 * above the cursor, else the cursor's line, down), elsewhere on the screen (the history), or nowhere.
 */
export function whereShownByCursor(screen: string, id: string, knobs: Pick<DeliveryKnobs, 'ready'>, cursor: Cursor | undefined): 'composer' | 'history' | 'nowhere' {
  const mark = idMark(id);
  if (!screen.includes(mark)) return 'nowhere';
  if (cursor === undefined) return 'history';
  const prompts = { ready: knobs.ready, composer: undefined, composerEmpty: undefined };
  return composerLines(screen, prompts, cursor).some((line) => line.includes(mark)) ? 'composer' : 'history';
}
