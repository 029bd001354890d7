import type { Glyphs } from './glyphs.js';

// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
// East Asian wide and fullwidth ranges (emoji: below): two cells each.
const WIDE =
  /^[\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f200}-\u{1f265}\u{20000}-\u{3fffd}]$/u;

// Emoji drawn as emoji by default (✅, 🚀, 🫠, …) are East Asian Wide since Unicode 9; the
// regional indicators (half a flag) are not.
const EMOJI = /^(?![\u{1f1e6}-\u{1f1ff}])\p{Emoji_Presentation}$/u;

const PLAIN = /^[\x20-\x7e]*$/;

/** The cells a character takes on a terminal (0, 1 or 2), as wcwidth would say for the usual scripts. */
function cellsOf(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return WIDE.test(char) || EMOJI.test(char) ? 2 : 1;
}

/**
 * Text made to take exactly `width` cells: controls become `?` (never obeyed), anything
 * but ASCII becomes `?` on a terminal without UTF-8, too long is cut with an ellipsis, too
 * short is padded with spaces.
 */
export function fit(text: string, width: number, glyphs: Glyphs): string {
  if (width <= 0) return '';
  let safe = text.replace(CONTROL, '?');
  if (!glyphs.utf8) safe = safe.replace(/[^\x20-\x7e]/gu, '?');
  const cells = widthOf(safe);
  if (cells <= width) return safe + ' '.repeat(width - cells);
  let out = '';
  let used = 0;
  for (const char of safe) {
    const cells = cellsOf(char);
    if (used + cells > width - 1) break;
    out += char;
    used += cells;
  }
  out += glyphs.ellipsis;
  used += 1;
  return out + ' '.repeat(Math.max(0, width - used));
}

/** The cells `text` takes (controls counted as one, as fit shows them). */
export function widthOf(text: string): number {
  // Most of what top draws is plain ASCII: one cell a character.
  if (PLAIN.test(text)) return text.length;
  let cells = 0;
  for (const char of text) cells += cellsOf(char);
  return cells;
}
