import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlKeepLayout, escapeControlKeepNewlines, stripTerminalControls } from '../../../../src/core/text/terminal-text.js';

// What a terminal may act on: C0, DEL, C1, line/paragraph separators, bidi controls.
function isUnsafe(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function hasUnsafe(text: string, allowNewline = false): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (allowNewline && code === 0x0a) continue;
    if (isUnsafe(code)) return true;
  }
  return false;
}

describe('escapeControl', () => {
  it('defuses a window-title and clear-screen sequence', () => {
    const shown = escapeControl('\u001b]0;PWNED\u0007\u001b[2J');
    expect(shown).toBe('\\e]0;PWNED\\x07\\e[2J');
    expect(hasUnsafe(shown)).toBe(false);
  });

  it.each([
    ['carriage return', 'a\rb', 'a\\rb'],
    ['newline', 'one\ntwo\nthree', 'one\\ntwo\\nthree'],
    ['tab', 'a\tb', 'a\\tb'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['DEL', 'a\u007fb', 'a\\x7Fb'],
    ['NEL (C1 next line)', 'a\u0085b', 'a\\x85b'],
    ['C1 CSI', '\u009b2J', '\\x9B2J'],
    ['line separator', 'a\u2028b', 'a\\u{2028}b'],
    ['paragraph separator', 'a\u2029b', 'a\\u{2029}b'],
    ['right-to-left override', 'abc\u202etxt.exe', 'abc\\u{202E}txt.exe'],
    ['first strong isolate', '\u2068x\u2069', '\\u{2068}x\\u{2069}'],
  ])('makes %s visible', (_label, input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it('keeps a one-line message on one line', () => {
    const message = `invalid peer name ${escapeControl('x\ny\r\nz')}: use a-z`;
    expect(message.split(/[\n\r]/)).toHaveLength(1);
  });

  it('leaves backslashes as they are', () => {
    expect(escapeControl('C:\\path\\n')).toBe('C:\\path\\n');
  });

  it.each([
    ['empty', ''],
    ['plain ASCII', 'hello, world ~ [ok] {1} \\ /'],
    ['accents', 'café naïve Ærø'],
    ['combining marks', 'e\u0301 a\u0308 n\u0303'],
    ['CJK', '漢字かなカナ한국어'],
    ['emoji with ZWJ and variation selector', '👩‍💻 ❤️ 🇫🇷 👍🏽'],
    ['box drawing and prompt glyphs', '│ ❯ › ▌ ─'],
  ])('leaves %s text untouched', (_label, input) => {
    expect(escapeControl(input)).toBe(input);
  });

  it('escapes only the controls in a long mixed string', () => {
    const input = `${'ok 🙂 é '.repeat(200)}\u001b[31mred\u001b[0m\r\n${'漢'.repeat(300)}\u0085end`;
    const shown = escapeControl(input);
    expect(hasUnsafe(shown)).toBe(false);
    expect(shown).toBe(
      `${'ok 🙂 é '.repeat(200)}\\e[31mred\\e[0m\\r\\n${'漢'.repeat(300)}\\x85end`,
    );
  });

  it('never lets a control through, for every code point up to U+2100', () => {
    for (let code = 0; code <= 0x2100; code += 1) {
      const char = String.fromCodePoint(code);
      const shown = escapeControl(`a${char}b`);
      expect(hasUnsafe(shown), `U+${code.toString(16)}`).toBe(false);
      if (!isUnsafe(code)) expect(shown).toBe(`a${char}b`);
    }
  });
});

describe('escapeControlKeepNewlines', () => {
  it('keeps newlines and escapes everything else', () => {
    expect(escapeControlKeepNewlines('demo> hi\n\u001b[2Jbye\r\n\tdone')).toBe('demo> hi\n\\e[2Jbye\\r\n\\tdone');
  });

  it('leaves emoji and an empty string untouched', () => {
    expect(escapeControlKeepNewlines('')).toBe('');
    expect(escapeControlKeepNewlines('👩‍💻\ncafé')).toBe('👩‍💻\ncafé');
  });

  it('never lets a control other than newline through, for every code point up to U+2100', () => {
    for (let code = 0; code <= 0x2100; code += 1) {
      const shown = escapeControlKeepNewlines(`a${String.fromCodePoint(code)}b`);
      expect(hasUnsafe(shown, true), `U+${code.toString(16)}`).toBe(false);
    }
  });
});

describe('escapeControlKeepLayout', () => {
  it('keeps newlines and tabs and escapes everything else; a written backslash-t stays as written', () => {
    expect(escapeControlKeepLayout('a\tb\n\u001b[2Jc\r\n\\t')).toBe('a\tb\n\\e[2Jc\\r\n\\t');
  });

  it('never lets a control other than newline and tab through, for every code point up to U+2100', () => {
    for (let code = 0; code <= 0x2100; code += 1) {
      const shown = escapeControlKeepLayout(`a${String.fromCodePoint(code)}b`).replace(/\t/g, '');
      expect(hasUnsafe(shown, true), `U+${code.toString(16)}`).toBe(false);
    }
  });
});

describe('stripTerminalControls', () => {
  const E = '\x1b';
  const cases: readonly [string, string, string][] = [
    ['SGR colours', `${E}[31mred${E}[0m plain`, 'red plain'],
    ['CSI with private parameters', `a${E}[?2004hb${E}[?1049lc`, 'abc'],
    ['CSI with an intermediate', `a${E}[2 qb`, 'ab'],
    ['the bracketed paste end and start', `a${E}[201~after${E}[200~b`, 'aafterb'],
    ['cursor keys', `${E}[A${E}OB${E}[1;5C.`, '.'],
    ['OSC title ended by BEL', `${E}]0;PWNED title\x07after`, 'after'],
    ['OSC hyperlink ended by ST', `${E}]8;;https://x.example/${E}\\link${E}]8;;${E}\\`, 'link'],
    ['OSC 52 clipboard write', `${E}]52;c;cm0gLXJmIC8=\x07ok`, 'ok'],
    ['DCS (tmux passthrough) up to ST', `${E}Ptmux;${E}${E}]0;x\x07${E}\\ok`, 'ok'],
    ['APC, PM and SOS strings', `${E}_apc${E}\\1${E}^pm${E}\\2${E}Xsos${E}\\3`, '123'],
    ['an OSC never ended stops at the line end', `${E}]0;title\nnext line`, '\nnext line'],
    ['an OSC never ended at the end of the text', `text ${E}]0;title`, 'text '],
    ['charset selection', `${E}(Ba${E})0b`, 'ab'],
    ['save and restore the cursor, index, reset', `${E}7a${E}8b${E}Dc${E}cd`, 'abcd'],
    ['keypad modes', `${E}=a${E}>b`, 'ab'],
    ['a CSI cut short keeps what follows', `${E}[31\nx`, '\nx'],
    ['a lone ESC at the end', `done${E}`, 'done'],
    ['ESC ESC', `a${E}${E}[1mb`, 'ab'],
    ['8-bit CSI', 'a\u009b31mb', 'ab'],
    ['8-bit OSC ended by 8-bit ST', 'a\u009d0;title\u009cb', 'ab'],
    ['8-bit OSC ended by BEL', 'a\u009d0;title\x07b', 'ab'],
    ['other C1 alone', 'a\u0085b\u008dc', 'abc'],
    ['C0 controls but LF and tab', 'a\x00b\x07c\bd\re\x7ff\tg\nh', 'abcdef\tg\nh'],
    ['text with no controls', 'é 中文 👩‍💻 [31m not a sequence', 'é 中文 👩‍💻 [31m not a sequence'],
    ['empty', '', ''],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(stripTerminalControls(input)).toBe(expected);
  });

  it('leaves nothing that could drive a terminal', () => {
    const all = Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code)).join('');
    // eslint-disable-next-line no-control-regex -- what must not remain
    expect(stripTerminalControls(`${all}${all}`)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
