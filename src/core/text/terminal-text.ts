/**
 * Makes untrusted text (peer descriptions, argv, screen lines) safe to print on a terminal.
 * Control characters would otherwise move the cursor, retitle the window, clear the screen
 * or split a one-line message; bidi controls would reorder what the reader sees.
 */

// C0, DEL, C1, the Unicode line and paragraph separators, bidi embeddings/overrides and isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, without the newline
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, without the newline and the tab
const UNSAFE_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return code <= 0xff ? `\\x${hex.padStart(2, '0')}` : `\\u{${hex.padStart(4, '0')}}`;
}

/**
 * Text fit for one terminal line: every control becomes a visible escape (`\n`, `\e`, `\x7F`,
 * `\u{2028}`). Backslashes are left alone: this is for a human to read, not to decode.
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** Like escapeControl, but a newline stays a line break, for multi-line output such as a transcript. */
export function escapeControlKeepNewlines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, visible);
}

/** Like escapeControlKeepNewlines, but a tab stays a tab too, for text shown as it was written (a message body). */
export function escapeControlKeepLayout(text: string): string {
  return text.replace(UNSAFE_BUT_LAYOUT, visible);
}
