import type { CharSet } from './pattern-char-set.js';
import { ANY, complement, DIGIT, DOT, single, SPACE, union, WORD } from './pattern-char-set.js';

/** One character matcher: a position in the Glushkov sense, compared by identity. */
export interface CharNode {
  readonly kind: 'char';
  readonly set: CharSet;
}
/** Zero width: `^`, `$`, `\b`, `\B`, a lookaround (its body is checked on its own). */
export interface EmptyNode {
  readonly kind: 'empty';
  readonly inner?: Node;
}
export interface SeqNode {
  readonly kind: 'seq';
  readonly items: readonly Node[];
}
export interface AltNode {
  readonly kind: 'alt';
  readonly branches: readonly Node[];
}
export interface RepeatNode {
  readonly kind: 'repeat';
  readonly body: Node;
  readonly min: number;
  readonly max: number;
  readonly text: string;
}
export type Node = CharNode | EmptyNode | SeqNode | AltNode | RepeatNode;

const EMPTY: EmptyNode = { kind: 'empty' };

/**
 * Reads a pattern that already compiled (so its syntax is known good) into the tree above.
 * Follows the web-compatibility grammar V8 uses without `u`: a stray `{`, `}` or `]` is a literal.
 */
export class Parser {
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
