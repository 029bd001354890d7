// 36 messages full of terminal escape sequences, through the built CLI to a live demo peer:
// each arrives once, in order, as the cleaned body, with no remnant of any sequence (CONTRACT §7).
import { describe, expect, it } from 'vitest';
import { useHome } from '../../../helpers/use-home.js';
import { testTimeoutFor } from '../../../helpers/deadline.js';
import { expectedText, livePeer, messagesOf, queuedFiles, sendJson } from '../../../fixtures/messages.js';

const E = '\x1b';
/** [body, what it must arrive as] */
const SHAPES: readonly [string, string][] = [
  [`${E}[31mred${E}[0m`, 'red'],
  [`${E}[1;38;5;196mbold 256${E}[m`, 'bold 256'],
  [`${E}[38;2;255;0;0mtrue colour${E}[39m`, 'true colour'],
  [`before${E}[201~after the paste end`, 'beforeafter the paste end'],
  [`${E}[200~a fake paste start`, 'a fake paste start'],
  [`${E}]0;a window title${E}\\titled`, 'titled'],
  [`${E}]2;title by BEL\x07after`, 'after'],
  [`${E}]8;;https://example.invalid/${E}\\a link${E}]8;;${E}\\`, 'a link'],
  [`${E}]52;c;ZWNobyBwd25lZA==\x07clipboard`, 'clipboard'],
  [`${E}Ptmux;${E}${E}]0;x\x07${E}\\passthrough`, 'passthrough'],
  [`${E}_an APC string${E}\\apc`, 'apc'],
  [`${E}(Bcharset${E})0`, 'charset'],
  [`${E}7saved${E}8restored`, 'savedrestored'],
  [`${E}[2J${E}[Hcleared`, 'cleared'],
  [`${E}[?1049halt screen${E}[?1049l`, 'alt screen'],
  [`${E}[?25lhidden cursor${E}[?25h`, 'hidden cursor'],
  [`${E}[6n${E}[cqueries`, 'queries'],
  [`${E}[5A${E}[10Cmoved`, 'moved'],
  [`${E}OAcursor key`, 'cursor key'],
  [`${E}cfull reset`, 'full reset'],
  ['\u009b31m8-bit CSI\u009b0m', '8-bit CSI'],
  ['\u009d0;8-bit OSC\u009cafter', 'after'],
  ['c1 \u0085next line \u008dreverse', 'c1 next line reverse'],
  ['tab\there\tand\tthere', 'tab\there\tand\tthere'],
  ['crlf\r\nline two\r\n', 'crlf\nline two\n'],
  ['lone\rcarriage return', 'lonecarriage return'],
  ['bell\x07 backspace\b nul\x00 del\x7f', 'bell backspace nul del'],
  [`multi\n${E}[32mgreen line${E}[0m\nplain line`, 'multi\ngreen line\nplain line'],
  [`${E}]0;never ended\nnext line`, '\nnext line'],
  [`cut short ${E}[31`, 'cut short '],
  [`ends in ESC ${E}`, 'ends in ESC '],
  [`${E}${E}[1mdouble ESC`, 'double ESC'],
  [`${E}[31;${E}[32mnested`, 'nested'],
  ['[31m looks like a sequence but is text', '[31m looks like a sequence but is text'],
  [`unicode é 中文 👩‍💻 ${E}[4munderlined${E}[24m`, 'unicode é 中文 👩‍💻 underlined'],
  [`${E}[?2004l${E}[201~${E}[200~all the paste controls`, 'all the paste controls'],
];

describe('escape sequences in message bodies', () => {
  const home = useHome();

  it(`${SHAPES.length} odd-shaped messages arrive once, in order, with no remnant of a sequence`, { timeout: testTimeoutFor(SHAPES.length * 4000) }, async () => {
    expect(SHAPES).toHaveLength(36);
    const cwd = await livePeer(home, 'esca');
    const ids: string[] = [];
    for (const [body] of SHAPES) {
      const sent = await sendJson(home, ['esca', '--message-file', '-'], { input: body });
      expect(sent.outcome, JSON.stringify(body)).toBe('delivered');
      ids.push(sent.id);
    }
    const received = await messagesOf(cwd);
    expect(received).toEqual(SHAPES.map(([, clean], index) => `[iap from=operator topic=none id=${ids[index]}]\n${clean}`));
    expect(received).toEqual(SHAPES.map(([body], index) => expectedText(ids[index] ?? '', body)));
    for (const text of received) {
      // eslint-disable-next-line no-control-regex -- no control but LF and tab may arrive
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    // What is left of a sequence when only its ESC goes: none of it arrived.
    const all = received.join('\n');
    for (const remnant of ['[31m', '[0m', '[201~', '[200~', ']0;', ']2;', ']8;', ']52;', 'Ptmux;', '[?1049', '[?25', '[2J', '(B', '[6n', '[5A']) {
      expect(all.replace('[31m looks like a sequence but is text', ''), remnant).not.toContain(remnant);
    }
    expect(await queuedFiles(home)).toEqual([]);
  });
});
