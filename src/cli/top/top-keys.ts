/** A key as `top` understands it: a named one, or a character typed. */
export type Key =
  | { readonly name: 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end' | 'enter' | 'escape' | 'backspace' | 'ctrl-c' | 'ctrl-u' }
  | { readonly name: 'char'; readonly char: string };

const SEQUENCES: ReadonlyArray<readonly [string, Key['name']]> = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
  ['\x1b[5~', 'page-up'],
  ['\x1b[6~', 'page-down'],
  ['\x1b[H', 'home'],
  ['\x1bOH', 'home'],
  ['\x1b[1~', 'home'],
  ['\x1b[F', 'end'],
  ['\x1bOF', 'end'],
  ['\x1b[4~', 'end'],
];

const SINGLE: Readonly<Record<string, Key['name']>> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x03': 'ctrl-c',
  '\x15': 'ctrl-u',
};

/** Matches any other escape sequence (CSI or SS3), so that it is skipped rather than typed. */
// eslint-disable-next-line no-control-regex -- terminal input is escape sequences
const OTHER_SEQUENCE = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.)/;

/**
 * The keys in one read of a terminal in raw mode. A lone ESC is the Escape key; one that
 * starts a sequence this does not know is dropped with its sequence; other control
 * characters are dropped.
 */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let rest = input;
  while (rest.length > 0) {
    const known = SEQUENCES.find(([sequence]) => rest.startsWith(sequence));
    if (known !== undefined) {
      keys.push({ name: known[1] } as Key);
      rest = rest.slice(known[0].length);
      continue;
    }
    if (rest.startsWith('\x1b')) {
      const other = OTHER_SEQUENCE.exec(rest);
      if (other === null) keys.push({ name: 'escape' });
      rest = rest.slice(other === null ? 1 : other[0].length);
      continue;
    }
    const char = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    rest = rest.slice(char.length);
    const single = SINGLE[char];
    if (single !== undefined) keys.push({ name: single } as Key);
    else if (char >= ' ' && !/[\u0080-\u009f]/u.test(char)) keys.push({ name: 'char', char });
  }
  return keys;
}
