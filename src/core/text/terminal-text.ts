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

const ESC = 0x1b;
const BEL = 0x07;
const LF = 0x0a;
/** 8-bit C1 introducers: CSI, and the strings DCS, SOS, OSC, PM, APC (ended by ST, 0x9c). */
const C1_CSI = 0x9b;
const C1_STRINGS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
const C1_ST = 0x9c;
/** After ESC: `[` is CSI; `P` DCS, `X` SOS, `]` OSC, `^` PM, `_` APC open a string. */
const ESC_STRINGS = new Set(['P', 'X', ']', '^', '_'].map((char) => char.charCodeAt(0)));

const inRange = (code: number | undefined, low: number, high: number): boolean => code !== undefined && code >= low && code <= high;

/** End of a CSI starting at `from` (after its introducer): parameters, intermediates, then a final byte if there is one. */
function csiEnd(text: string, from: number): number {
  let at = from;
  while (inRange(text.charCodeAt(at), 0x30, 0x3f)) at++;
  while (inRange(text.charCodeAt(at), 0x20, 0x2f)) at++;
  return inRange(text.charCodeAt(at), 0x40, 0x7e) ? at + 1 : at;
}

/**
 * End of a control string (OSC, DCS, SOS, PM, APC) starting at `from`: past its BEL or ST
 * (ESC \ or 0x9c). One never ended stops before the line feed that ends its line, or at the
 * end of the text: a stray introducer must not eat the rest of a message.
 */
function stringEnd(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === BEL || code === C1_ST) return at + 1;
    if (code === ESC && text.charCodeAt(at + 1) === 0x5c) return at + 2;
    if (code === LF) return at;
  }
  return text.length;
}

/** End of the escape sequence starting with the ESC at `at`: ESC, intermediates (0x20–0x2f), a final byte (0x30–0x7e). */
function escEnd(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  if (next === 0x5b) return csiEnd(text, at + 2);
  if (ESC_STRINGS.has(next)) return stringEnd(text, at + 2);
  // SS2 and SS3 (`ESC O A`, a cursor key) take the one character after them.
  if ((next === 0x4e || next === 0x4f) && inRange(text.charCodeAt(at + 2), 0x20, 0x7e)) return at + 3;
  let end = at + 1;
  while (inRange(text.charCodeAt(end), 0x20, 0x2f)) end++;
  // ESC then something that ends no sequence (ESC ESC, ESC LF, the end): only the ESC goes.
  return inRange(text.charCodeAt(end), 0x30, 0x7e) ? end + 1 : at + 1;
}

// eslint-disable-next-line no-control-regex -- the controls that remain once sequences are gone
const LONE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text with terminal escape sequences removed whole, parameters and all: CSI (`ESC [ 3 1 m`,
 * the paste end `ESC [ 2 0 1 ~`), control strings (`ESC ] 0 ; title BEL`, DCS, APC… up to
 * BEL or ST), other ESC sequences (`ESC ( B`, `ESC 7`) and their 8-bit C1 forms; then every
 * other C0 control but LF and tab, DEL and C1. Nothing left can drive a terminal or end a paste.
 */
export function stripTerminalControls(text: string): string {
  let out = '';
  let kept = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    let end = -1;
    if (code === ESC) end = escEnd(text, at);
    else if (code === C1_CSI) end = csiEnd(text, at + 1);
    else if (C1_STRINGS.has(code)) end = stringEnd(text, at + 1);
    if (end === -1) continue;
    out += text.slice(kept, at);
    kept = end;
    at = end - 1;
  }
  return (out + text.slice(kept)).replace(LONE_CONTROLS, '');
}
