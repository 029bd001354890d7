// Proposed screen patterns for the built-in `claude` and `codex` runtimes, from what
// Claude Code and Codex CLI draw in tmux (see FINDINGS.md; the versions checked:
// src/runtimes/agent-versions.ts; each screen's banner names the one that drew it). Each pattern is
// matched line by line against `tmux capture-pane -p -N` output (trailing spaces kept);
// a screen "matches" when any line does. The screens in ./screens/ are the evidence.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ScreenPatterns {
  /** The composer is drawn and empty (also true while busy: combine with `busy`). */
  readonly ready: RegExp;
  /** The composer holds text (typed, pasted, or restored after an interrupt). */
  readonly composerText: RegExp;
  /** The agent is working on a turn. */
  readonly busy: RegExp;
  /** A message sent while busy was queued for later. */
  readonly queued: RegExp;
  /** Shown only while the composer is empty (Codex's footer hint): its absence, with the
   *  footer otherwise drawn, means the composer holds text. */
  readonly composerEmpty?: RegExp;
}

export const CLAUDE_PATTERNS: ScreenPatterns = {
  // The composer prompt is "❯" + U+00A0 (no-break space); history lines use "❯" + U+0020.
  ready: /^❯\u00a0\s*$/u,
  // "Press up to edit queued messages" is a placeholder drawn in an empty composer.
  composerText: /^❯\u00a0(?!Press up to edit queued messages\s*$)\s*\S/u,
  // Spinner line "<glyph> <Gerund>…" (glyph cycles · ✢ ✳ ✶ ✻ ✽ *), or the footer hint,
  // which is hidden while the composer holds text.
  busy: /^[·✢✳✶✻✽*] \S.*…|· esc to interrupt\b/u,
  queued: /^\s+⎿\s+Queued\b|^❯\u00a0Press up to edit queued messages/u,
};

export const CODEX_PATTERNS: ScreenPatterns = {
  // The composer prompt "› " is also the prefix of history lines; only the placeholder
  // tells the empty composer apart.
  ready: /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$/u,
  // Line-wise only an approximation: any "› " line that is not the placeholder also
  // matches user messages in the history. Use `codexComposerText()` for the real check.
  composerText: /^› (?!(?:Ask Codex to do anything|Ask a follow-up question)\s*$)\S/u,
  // "◦ Working (3s • esc to interrupt)" (glyph alternates • ◦; the header word may change),
  // or "Waiting for startup" while MCP servers start (a submitted message waits there).
  busy: /^[•◦] .*\(\d+[smh]?.*esc to interrupt\)|Waiting for startup/u,
  queued: /^• Queued follow-up inputs|^ {2}↳ /u,
  composerEmpty: /^ {2}(?:← for agents · )?\? for shortcuts\b/u,
};

/** Any line of the screen matches. */
export function screenMatches(pattern: RegExp, screen: string): boolean {
  return screen.split('\n').some((line) => pattern.test(line));
}

/**
 * Codex: does the composer hold text? The composer is the last block starting at a "› "
 * line and running up to the footer ("  <model> <effort> · <cwd>"); it holds text when that
 * block is not the placeholder.
 */
export function codexComposerText(screen: string): string | undefined {
  const lines = screen.split('\n');
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^› /.test(lines[i] ?? '')) {
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;
  const block: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (i > start && !/^ {2}\S/.test(l)) break;
    if (i > start && / · \//.test(l)) break; // footer "  gpt-5-codex default · /cwd"
    block.push(i === start ? l.slice(2) : l.slice(2));
  }
  const text = block.map((l) => l.trimEnd()).join('\n').trim();
  return CODEX_PATTERNS.ready.test(`› ${text}`) || text === '' ? undefined : text;
}

/** Reads test/agents/screens/<name>.txt. */
export function loadScreen(name: string): string {
  return readFileSync(join(import.meta.dirname, 'screens', `${name}.txt`), 'utf8');
}
