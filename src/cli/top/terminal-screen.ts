import { writeSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';

const ALTERNATE_ON = '\x1b[?1049h';
const ALTERNATE_OFF = '\x1b[?1049l';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';
/** Terminals that know it draw a frame between these at once (no tearing); others ignore them. */
const SYNC_ON = '\x1b[?2026h';
const SYNC_OFF = '\x1b[?2026l';
const RESET = '\x1b[0m';
const CLEAR = '\x1b[2J';

/**
 * The terminal `top` owns while it runs: the alternate screen, raw keys, no cursor. A frame is
 * drawn by rewriting only the lines that changed since the last one, so nothing flickers.
 * `leave` gives the terminal back as it was (the main screen, the cursor, echo and line
 * editing); it is safe to call twice, and writes synchronously, so that it holds on the way
 * out of a crash or a signal too.
 */
export class TerminalScreen {
  private drawn: readonly string[] = [];
  private entered = false;

  constructor(
    private readonly input: ReadStream,
    private readonly output: WriteStream,
  ) {}

  get size(): { columns: number; rows: number } {
    return { columns: Math.max(1, this.output.columns || 80), rows: Math.max(1, this.output.rows || 24) };
  }

  enter(): void {
    if (this.entered) return;
    this.entered = true;
    this.input.setRawMode(true);
    this.input.resume();
    this.drawn = [];
    this.write(ALTERNATE_ON + CURSOR_HIDE + CLEAR);
  }

  leave(): void {
    if (!this.entered) return;
    this.entered = false;
    this.write(SYNC_OFF + RESET + CURSOR_SHOW + ALTERNATE_OFF);
    try {
      this.input.setRawMode(false);
    } catch {
      // A terminal already gone has no mode to give back.
    }
    this.input.pause();
  }

  /** Forgets what is on the screen: the next draw rewrites every line (after a resize, or a program that drew over it). */
  invalidate(): void {
    this.drawn = [];
    if (this.entered) this.write(CLEAR);
  }

  draw(lines: readonly string[], cursor: { row: number; column: number } | undefined): void {
    if (!this.entered) return;
    let out = '';
    lines.forEach((line, index) => {
      if (this.drawn[index] !== line) out += `\x1b[${index + 1};1H${line}${RESET}\x1b[K`;
    });
    out += cursor === undefined ? CURSOR_HIDE : `\x1b[${cursor.row};${cursor.column}H${CURSOR_SHOW}`;
    this.drawn = lines;
    this.write(SYNC_ON + out + SYNC_OFF);
  }

  private write(text: string): void {
    // Written at once where the stream has a descriptor, so that it is out before an exit.
    const fd = (this.output as WriteStream & { fd?: number }).fd;
    try {
      if (typeof fd !== 'number') throw new Error('no descriptor');
      writeSync(fd, text);
    } catch {
      try {
        this.output.write(text);
      } catch {
        // A terminal that went away (a hang-up) takes no more output.
      }
    }
  }
}
