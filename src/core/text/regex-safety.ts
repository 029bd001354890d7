/**
 * Refuses user-supplied patterns that a backtracking engine can take exponential time on.
 * Patterns are matched against every screen line many times a second, so one bad `ready`
 * pattern would pin a core. The check is conservative: it may refuse a rare safe pattern,
 * never knowingly accepts a catastrophic one. Patterns are read as `new RegExp(source, 'm')`
 * reads them (no `u` flag), so everything here works on UTF-16 code units.
 */
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

// A character set is a sorted list of disjoint, inclusive code-unit ranges.

type CharSet = ReadonlyArray<readonly [number, number]>;

const MAX_UNIT = 0xffff;
const ANY: CharSet = [[0, MAX_UNIT]];
const DIGIT: CharSet = [[0x30, 0x39]];
const WORD: CharSet = normalise([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
const SPACE: CharSet = normalise([
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
]);
// Without the `s` flag, `.` stops at line terminators.
const DOT: CharSet = complement(normalise([[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]]));

function single(code: number): CharSet {
  return [[code, code]];
}

function normalise(ranges: ReadonlyArray<readonly [number, number]>): CharSet {
  const sorted = [...ranges].filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && lo <= prev[1] + 1) prev[1] = Math.max(prev[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function union(...sets: CharSet[]): CharSet {
  return normalise(sets.flat());
}

function complement(set: CharSet): CharSet {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_UNIT) out.push([next, MAX_UNIT]);
  return out;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return a.some(([alo, ahi]) => b.some(([blo, bhi]) => alo <= bhi && blo <= ahi));
}

/** One character matcher: a position in the Glushkov sense, compared by identity. */
interface CharNode {
  readonly kind: 'char';
  readonly set: CharSet;
}
/** Zero width: `^`, `$`, `\b`, `\B`, a lookaround (its body is checked on its own). */
interface EmptyNode {
  readonly kind: 'empty';
  readonly inner?: Node;
}
interface SeqNode {
  readonly kind: 'seq';
  readonly items: readonly Node[];
}
interface AltNode {
  readonly kind: 'alt';
  readonly branches: readonly Node[];
}
interface RepeatNode {
  readonly kind: 'repeat';
  readonly body: Node;
  readonly min: number;
  readonly max: number;
  readonly text: string;
}
type Node = CharNode | EmptyNode | SeqNode | AltNode | RepeatNode;

const EMPTY: EmptyNode = { kind: 'empty' };

/**
 * Reads a pattern that already compiled (so its syntax is known good) into the tree above.
 * Follows the web-compatibility grammar V8 uses without `u`: a stray `{`, `}` or `]` is a literal.
 */
class Parser {
  private at = 0;
  backReference: string | undefined;

  constructor(private readonly source: string) {}

  parse(): Node {
    const tree = this.alternation();
    // A stray `)` cannot survive compilation; stop rather than loop if one ever does.
    return this.at < this.source.length ? { kind: 'seq', items: [tree, { kind: 'char', set: ANY }] } : tree;
  }

  private peek(offset = 0): string {
    return this.source.charAt(this.at + offset);
  }

  private alternation(): Node {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.at += 1;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? (branches[0] ?? EMPTY) : { kind: 'alt', branches };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const start = this.at;
      const atom = this.atom();
      const bounds = this.quantifier();
      items.push(bounds === undefined ? atom : { kind: 'repeat', body: atom, ...bounds, text: this.source.slice(start, this.at) });
    }
    return items.length === 1 ? (items[0] ?? EMPTY) : { kind: 'seq', items };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const char = this.peek();
    let bounds: { min: number; max: number } | undefined;
    if (char === '*') bounds = { min: 0, max: Infinity };
    else if (char === '+') bounds = { min: 1, max: Infinity };
    else if (char === '?') bounds = { min: 0, max: 1 };
    if (bounds !== undefined) this.at += 1;
    else {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
      if (braces === null) return undefined;
      const min = Number(braces[1]);
      const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
      bounds = { min, max };
      this.at += braces[0].length;
    }
    if (this.peek() === '?') this.at += 1; // lazy: backtracks just as much
    return bounds;
  }

  private atom(): Node {
    const char = this.peek();
    this.at += 1;
    switch (char) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return { kind: 'char', set: DOT };
      case '(':
        return this.group();
      case '[':
        return { kind: 'char', set: this.charClass() };
      case '\\':
        return this.atomEscape();
      default:
        return { kind: 'char', set: single(char.charCodeAt(0)) };
    }
  }

  private group(): Node {
    const lookaround = /^\?(?:[=!]|<[=!])/.exec(this.source.slice(this.at));
    if (lookaround !== null) this.at += lookaround[0].length;
    else if (this.source.startsWith('?:', this.at)) this.at += 2;
    else if (this.peek() === '?' && this.peek(1) === '<') this.at = this.source.indexOf('>', this.at) + 1;
    const body = this.alternation();
    this.at += 1; // the closing `)`
    return lookaround === null ? body : { kind: 'empty', inner: body };
  }

  private atomEscape(): Node {
    const start = this.at - 1;
    const char = this.peek();
    if (char === 'b' || char === 'B') {
      this.at += 1;
      return EMPTY;
    }
    // A number may be a back-reference or, without enough groups, a legacy octal; refuse both.
    if (/[1-9]/.test(char) || (char === 'k' && this.peek(1) === '<')) {
      const reference = /^(?:\d+|k<[^>]*>?)/.exec(this.source.slice(this.at));
      this.at += reference?.[0].length ?? 1;
      this.backReference ??= this.source.slice(start, this.at);
      return { kind: 'char', set: ANY };
    }
    return { kind: 'char', set: this.escapeSet(false) };
  }

  private charClass(): CharSet {
    const negated = this.peek() === '^';
    if (negated) this.at += 1;
    const parts: CharSet[] = [];
    while (this.at < this.source.length && this.peek() !== ']') {
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.at + 1 < this.source.length) {
        this.at += 1;
        const to = this.classAtom();
        const [lo, hi] = [soleUnit(from), soleUnit(to)];
        // A range with a class escape at an end (`[\d-z]`) is, for the web grammar, a union with `-`.
        parts.push(lo !== undefined && hi !== undefined ? [[lo, hi]] : union(from, to, single(0x2d)));
      } else {
        parts.push(from);
      }
    }
    this.at += 1; // the closing `]`
    const set = union(...parts);
    return negated ? complement(set) : set;
  }

  private classAtom(): CharSet {
    const char = this.peek();
    this.at += 1;
    if (char !== '\\') return single(char.charCodeAt(0));
    if (this.peek() === 'b') {
      this.at += 1;
      return single(0x08);
    }
    return this.escapeSet(true);
  }

  /** The character(s) after a backslash, with the backslash already consumed. */
  private escapeSet(inClass: boolean): CharSet {
    const char = this.peek();
    const rest = this.source.slice(this.at + 1);
    this.at += 1;
    switch (char) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 't':
        return single(0x09);
      case 'n':
        return single(0x0a);
      case 'v':
        return single(0x0b);
      case 'f':
        return single(0x0c);
      case 'r':
        return single(0x0d);
      case 'x':
      case 'u': {
        const digits = char === 'x' ? 2 : 4;
        const hex = new RegExp(`^[0-9a-fA-F]{${digits}}`).exec(rest);
        if (hex === null) return single(char.charCodeAt(0));
        this.at += digits;
        return single(parseInt(hex[0], 16));
      }
      case 'c': {
        const control = (inClass ? /^[A-Za-z0-9_]/ : /^[A-Za-z]/).exec(rest);
        if (control === null) {
          this.at -= 1; // a lone `\c` is a backslash followed by a literal `c`
          return single(0x5c);
        }
        this.at += 1;
        return single(control[0].charCodeAt(0) % 32);
      }
      default: {
        const octal = /^[0-7]/.test(char) ? /^[0-7]{0,2}/.exec(rest) : null;
        if (octal === null) return single(char.charCodeAt(0));
        // Legacy octal escapes: wrong value is harmless here, the width is what matters.
        this.at += octal[0].length;
        return single(parseInt(char + octal[0], 8) & 0xff);
      }
    }
  }
}

function soleUnit(set: CharSet): number | undefined {
  const [only] = set;
  return set.length === 1 && only !== undefined && only[0] === only[1] ? only[0] : undefined;
}

function counts(node: RepeatNode): boolean {
  return node.max > 1;
}

function children(node: Node): readonly Node[] {
  switch (node.kind) {
    case 'char':
      return [];
    case 'empty':
      return node.inner === undefined ? [] : [node.inner];
    case 'seq':
      return node.items;
    case 'alt':
      return node.branches;
    case 'repeat':
      return [node.body];
  }
}

function someNode(node: Node, test: (node: Node) => boolean): boolean {
  return test(node) || children(node).some((child) => someNode(child, test));
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

interface Shape {
  /** Positions that can match first; a position listed twice is reachable two ways. */
  readonly first: readonly CharNode[];
  readonly last: readonly CharNode[];
  /** Ways to match nothing, capped at 2: more than one is already ambiguous. */
  readonly nullable: number;
}

function times<T>(count: number, list: readonly T[]): T[] {
  return count === 0 ? [] : count === 1 ? [...list] : [...list, ...list];
}

/**
 * First and last positions of a node, recording in `follow` which positions may come right
 * after which, once per route. The engine drops a repetition that matched nothing, so an
 * optional part adds one route to skip it, however many ways its body could match nothing.
 */
function glushkov(node: Node, follow: Map<CharNode, CharNode[]>): Shape {
  switch (node.kind) {
    case 'char':
      return { first: [node], last: [node], nullable: 0 };
    case 'empty':
      return { first: [], last: [], nullable: 1 };
    case 'alt': {
      const shapes = node.branches.map((branch) => glushkov(branch, follow));
      return {
        first: shapes.flatMap((shape) => shape.first),
        last: shapes.flatMap((shape) => shape.last),
        nullable: Math.min(2, shapes.reduce((sum, shape) => sum + shape.nullable, 0)),
      };
    }
    case 'seq': {
      let acc: Shape = { first: [], last: [], nullable: 1 };
      for (const item of node.items) {
        const next = glushkov(item, follow);
        for (const position of acc.last) link(follow, position, next.first);
        acc = {
          first: [...acc.first, ...times(acc.nullable, next.first)],
          last: [...next.last, ...times(next.nullable, acc.last)],
          nullable: Math.min(2, acc.nullable * next.nullable),
        };
      }
      return acc;
    }
    case 'repeat': {
      if (node.max === 0) return { first: [], last: [], nullable: 1 };
      const body = glushkov(node.body, follow);
      if (counts(node)) for (const position of body.last) link(follow, position, body.first);
      return { ...body, nullable: node.min === 0 ? 1 : body.nullable };
    }
  }
}

function link(follow: Map<CharNode, CharNode[]>, from: CharNode, to: readonly CharNode[]): void {
  const list = follow.get(from);
  if (list === undefined) follow.set(from, [...to]);
  else list.push(...to);
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

/**
 * Without a nested loop, guesses still multiply. A guess where a loop may go on or stop
 * costs a factor of the line length (`.*a.*a.*b`); a loop handing over to another loop
 * over the same characters (`\d+\d+\d+x`) does so at every character; any other guess
 * (`a?a?a?aaa`) costs a factor of two.
 */
const LIMITS = { loopGuesses: 2, handovers: 1, guesses: 8 };

interface Guesses {
  guesses: number;
  loopGuesses: number;
  handovers: number;
}

function choiceProblem(tree: Node): string | undefined {
  const found = guessesIn(tree);
  if (found.loopGuesses <= LIMITS.loopGuesses && found.handovers <= LIMITS.handovers && found.guesses <= LIMITS.guesses) {
    return undefined;
  }
  return 'pattern can match the same text in too many different ways, which can backtrack catastrophically; use a simpler pattern';
}

function guessesIn(root: Node): Guesses {
  const follow = new Map<CharNode, CharNode[]>();
  const shape = glushkov(root, follow);
  const found: Guesses = { guesses: deterministic(shape.first) ? 0 : 1, loopGuesses: 0, handovers: 0 };
  for (const [from, next] of follow) {
    if (deterministic(next)) continue;
    found.guesses += 1;
    if (!next.includes(from)) continue;
    found.loopGuesses += 1;
    const loopsOn = (to: CharNode): boolean => to !== from && follow.get(to)?.includes(to) === true && overlaps(from.set, to.set);
    if (next.some(loopsOn)) found.handovers += 1;
  }
  for (const inner of lookaroundsIn(root)) {
    const more = guessesIn(inner);
    found.guesses += more.guesses;
    found.loopGuesses += more.loopGuesses;
    found.handovers += more.handovers;
  }
  return found;
}

function lookaroundsIn(node: Node): Node[] {
  if (node.kind === 'empty') return node.inner === undefined ? [] : [node.inner];
  return children(node).flatMap(lookaroundsIn);
}

function deterministic(next: readonly CharNode[]): boolean {
  return next.every((a, i) => next.slice(i + 1).every((b) => !overlaps(a.set, b.set)));
}
