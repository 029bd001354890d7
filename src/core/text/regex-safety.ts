/**
 * Refuses user-supplied patterns that a backtracking engine can take exponential time on.
 * Patterns are matched against every screen line many times a second, so one bad `ready`
 * pattern would pin a core. The check is conservative: it may refuse a rare safe pattern,
 * never knowingly accepts a catastrophic one. Patterns are read as `new RegExp(source, 'm')`
 * reads them (no `u` flag), so everything here works on UTF-16 code units.
 */
import { choiceProblem } from './count-pattern-choices.js';
import type { CharNode, Node } from './parse-pattern.js';
import { Parser } from './parse-pattern.js';
import { children, counts, deterministic, glushkov, link, someNode } from './pattern-positions.js';
import { escapeControl } from './terminal-text.js';

export const MAX_PATTERN_CHARS = 500;

/** Why a pattern is refused, or undefined when it is safe to match against screen lines. */
export function unsafePatternReason(source: string): string | undefined {
  if (source.length > MAX_PATTERN_CHARS) {
    return `pattern is ${source.length} characters long; keep it to ${MAX_PATTERN_CHARS} or fewer`;
  }
  try {
    new RegExp(source, 'm');
  } catch (error) {
    return `not a valid regular expression (${escapeControl(error instanceof Error ? error.message : String(error))})`;
  }
  const parser = new Parser(source);
  const tree = parser.parse();
  if (parser.backReference !== undefined) {
    return `back-reference ${quote(parser.backReference)} can backtrack catastrophically; match the text itself instead`;
  }
  return findProblem(tree) ?? choiceProblem(tree);
}

/** Cuts every line to maxLineChars, so no single line can make one match attempt expensive. */
export function boundedLines(screen: string, maxLineChars = 1000): string {
  if (!Number.isInteger(maxLineChars) || maxLineChars < 1) {
    throw new RangeError(`maxLineChars must be a positive integer, not ${maxLineChars}`);
  }
  if (screen.length <= maxLineChars) return screen;
  return screen
    .split('\n')
    .map((line) => (line.length <= maxLineChars ? line : cutAt(line, maxLineChars)))
    .join('\n');
}

function cutAt(line: string, max: number): string {
  // Do not leave half a surrogate pair at the end.
  const last = line.charCodeAt(max - 1);
  return line.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function quote(fragment: string): string {
  const cut = fragment.length > 60 ? `${fragment.slice(0, 60)}…` : fragment;
  return `\`${escapeControl(cut)}\``;
}

function findProblem(node: Node): string | undefined {
  for (const child of children(node)) {
    const problem = findProblem(child);
    if (problem !== undefined) return problem;
  }
  if (node.kind !== 'repeat' || !counts(node)) return undefined;
  const fragment = quote(node.text);
  if (someNode(node.body, (inner) => inner.kind === 'repeat' && counts(inner))) {
    return `nested quantifier ${fragment} can backtrack catastrophically; use a simpler pattern`;
  }
  const shape = glushkov(node.body, new Map());
  if (node.min >= 2 && shape.nullable > 0) {
    return `${fragment} repeats something that can match nothing, which can backtrack catastrophically; make the repeated part match at least one character`;
  }
  if (!iterationsUnambiguous(node.body)) {
    return `the repeated part of ${fragment} can match the same text in more than one way, which can backtrack catastrophically; make its alternatives distinct or use a simpler pattern`;
  }
  return undefined;
}

/**
 * True when each character read inside a repeated body has only one place to go, counting
 * the step from the end of one round to the start of the next. Then a string splits into
 * rounds one way only, so failing costs linear, not exponential, time.
 */
function iterationsUnambiguous(body: Node): boolean {
  const follow = new Map<CharNode, CharNode[]>();
  const shape = glushkov(body, follow);
  for (const position of shape.last) link(follow, position, shape.first);
  return deterministic(shape.first) && [...follow.values()].every(deterministic);
}
