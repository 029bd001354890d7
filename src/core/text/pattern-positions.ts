/** Glushkov positions of a parsed pattern: which character matchers may follow which. */
import type { CharNode, Node, RepeatNode } from './parse-pattern.js';
import { overlaps } from './pattern-char-set.js';

export function counts(node: RepeatNode): boolean {
  return node.max > 1;
}

export function children(node: Node): readonly Node[] {
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

export function someNode(node: Node, test: (node: Node) => boolean): boolean {
  return test(node) || children(node).some((child) => someNode(child, test));
}

export interface Shape {
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
export function glushkov(node: Node, follow: Map<CharNode, CharNode[]>): Shape {
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

export function link(follow: Map<CharNode, CharNode[]>, from: CharNode, to: readonly CharNode[]): void {
  const list = follow.get(from);
  if (list === undefined) follow.set(from, [...to]);
  else list.push(...to);
}

export function deterministic(next: readonly CharNode[]): boolean {
  return next.every((a, i) => next.slice(i + 1).every((b) => !overlaps(a.set, b.set)));
}
