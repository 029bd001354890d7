/** The choice-point budget: how many guesses a pattern may make while it matches. */
import type { CharNode, Node } from './parse-pattern.js';
import { overlaps } from './pattern-char-set.js';
import { children, deterministic, glushkov } from './pattern-positions.js';

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

export function choiceProblem(tree: Node): string | undefined {
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
