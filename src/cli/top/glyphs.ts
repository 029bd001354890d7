/** The few non-ASCII marks `top` draws, and their ASCII stand-ins for a terminal without UTF-8. */
export interface Glyphs {
  readonly utf8: boolean;
  readonly selected: string;
  readonly ellipsis: string;
  readonly upDown: string;
  readonly separator: string;
}

const UTF8: Glyphs = { utf8: true, selected: '›', ellipsis: '…', upDown: '↑↓', separator: '│' };
const ASCII: Glyphs = { utf8: false, selected: '>', ellipsis: '~', upDown: 'up/down', separator: '|' };

/** UTF-8 only when the locale says so (LC_ALL, else LC_CTYPE, else LANG), as the C library decides. */
export function glyphsFor(env: Readonly<Record<string, string | undefined>>): Glyphs {
  const locale = [env['LC_ALL'], env['LC_CTYPE'], env['LANG']].find((value) => value !== undefined && value !== '') ?? '';
  return /utf-?8/i.test(locale) ? UTF8 : ASCII;
}
