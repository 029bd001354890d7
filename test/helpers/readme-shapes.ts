/**
 * Output as the README shows it, turned into checks (see readme-examples.ts for where it is
 * found). What varies from run to run is generalised: times, message ids, numbers (pids,
 * counts, durations; `1 tick` for `5231 ticks`), `…`, column padding, and the README's
 * `/home/me` (its home) and `/home/me/.iapeer` (its IAPEER_HOME) for the test's own.
 */

const ISO_TIME = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?`;
const MESSAGE_ID = String.raw`[0-9a-z]{12}-[0-9a-z]{1,8}-[0-9a-z]{6}`;

export interface Homes {
  readonly home: string;
  readonly iapeerHome: string;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** One shown line as a regexp for one line of the real output. */
export function lineShape(shown: string, homes: Homes): RegExp {
  const token = new RegExp(
    [
      `(?<time>${ISO_TIME})`,
      `(?<id>\\b${MESSAGE_ID}\\b)`,
      '(?<iapeerHome>/home/me/\\.iapeer)',
      '(?<home>/home/me)',
      String.raw`(?<counted>\d+(?:\.\d+)? [a-z]+s\b)`,
      String.raw`(?<number>\d+(?:\.\d+)?)`,
      '(?<ellipsis>…)',
      '(?<pad> {2,})',
    ].join('|'),
    'g',
  );
  let source = '';
  let last = 0;
  for (const match of shown.trimEnd().matchAll(token)) {
    source += escape(shown.slice(last, match.index));
    const groups = match.groups ?? {};
    if (groups['time']) source += ISO_TIME;
    else if (groups['id']) source += MESSAGE_ID;
    else if (groups['iapeerHome']) source += escape(homes.iapeerHome);
    else if (groups['home']) source += escape(homes.home);
    else if (groups['counted']) source += String.raw`\d+(?:\.\d+)? ${escape(groups['counted'].replace(/^\S+ /, '').slice(0, -1))}s?`;
    else if (groups['number']) source += String.raw`\d+(?:\.\d+)?`;
    else if (groups['ellipsis']) source += '.*?';
    else source += ' +';
    last = match.index + match[0].length;
  }
  source += escape(shown.trimEnd().slice(last));
  return new RegExp(`^${source}\\s*$`);
}

/** Each shown line matches a line of the output, in order; the output may hold more lines (a bigger fleet). */
export function textMismatch(shownLines: readonly string[], output: string, homes: Homes): string | undefined {
  const lines = output.split('\n');
  let at = 0;
  for (const shown of shownLines) {
    const shape = lineShape(shown, homes);
    const found = lines.findIndex((line, index) => index >= at && shape.test(line));
    if (found < 0) return `no line of the output matches the README's ${JSON.stringify(shown)} (as ${shape}) after line ${at}`;
    at = found + 1;
  }
  return undefined;
}

type Shape =
  | { readonly kind: 'object'; readonly members: ReadonlyArray<{ key: string; optional: boolean; value: Shape | undefined }> }
  | { readonly kind: 'array'; readonly items: readonly Shape[] }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'any' };

/**
 * The README's JSON notations, one grammar: real JSON (`{"id":"0m…","outcome":"queued"}`),
 * keys alone (`{daemon: {state, pid, stoppedAt?}}`, `"fix"?`: may be absent), `…` or `...`
 * for more of the same.
 */
export function parseShape(text: string): Shape {
  const tokens = [...text.matchAll(/"(?:[^"\\]|\\.)*"|…|\.\.\.|-?\d+(?:\.\d+)?|[A-Za-z_][\w-]*|[{}[\]:,?]|\S/g)].map((m) => m[0]);
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(`the shape ${JSON.stringify(text)} is not understood at token ${at} (${token ?? 'end'}; expected ${expected ?? 'a value'})`);
    }
    at += 1;
    return token;
  };
  const isMore = (token: string | undefined): boolean => token === '…' || token === '...';
  const literal = (token: string): Shape => {
    if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
    if (/^-?\d/.test(token)) return { kind: 'literal', value: Number(token) };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    if (token === 'null') return { kind: 'literal', value: null };
    return { kind: 'literal', value: token };
  };
  const value = (): Shape => {
    const token = take();
    if (token === '{') {
      const members: Array<{ key: string; optional: boolean; value: Shape | undefined }> = [];
      while (peek() !== '}') {
        if (isMore(peek())) take();
        else {
          const key = take();
          const optional = peek() === '?' ? (take(), true) : false;
          const member = peek() === ':' ? (take(), value()) : undefined;
          members.push({ key: key.startsWith('"') ? (JSON.parse(key) as string) : key, optional, value: member });
        }
        if (peek() !== '}') take(',');
      }
      take('}');
      return { kind: 'object', members };
    }
    if (token === '[') {
      const items: Shape[] = [];
      while (peek() !== ']') {
        if (isMore(peek())) take();
        else items.push(value());
        if (peek() !== ']') take(',');
      }
      take(']');
      return { kind: 'array', items };
    }
    if (isMore(token)) return { kind: 'any' };
    return literal(token);
  };
  const shape = value();
  if (at !== tokens.length) throw new Error(`the shape ${JSON.stringify(text)} has more after its end (token ${at})`);
  return shape;
}

function literalMismatch(expected: string | number | boolean | null, actual: unknown, path: string, homes: Homes): string | undefined {
  const problem = `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  if (typeof expected === 'number') return typeof actual === 'number' ? undefined : problem;
  if (typeof expected === 'string') return typeof actual === 'string' && lineShape(expected, homes).test(actual) ? undefined : problem;
  return expected === actual ? undefined : problem;
}

/** Where `actual` departs from the shape: a key shown is missing, a value shown differs. Keys not shown may be there. */
export function shapeMismatch(shape: Shape, actual: unknown, homes: Homes, path = '$'): string | undefined {
  switch (shape.kind) {
    case 'any':
      return undefined;
    case 'literal':
      return literalMismatch(shape.value, actual, path, homes);
    case 'object': {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected an object, got ${JSON.stringify(actual)}`;
      const record = actual as Record<string, unknown>;
      for (const member of shape.members) {
        if (!(member.key in record)) {
          if (member.optional) continue;
          return `${path}: no key "${member.key}" in ${JSON.stringify(actual)}`;
        }
        const problem = member.value && shapeMismatch(member.value, record[member.key], homes, `${path}.${member.key}`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(actual)) return `${path}: expected an array, got ${JSON.stringify(actual)}`;
      if (shape.items.length === 0) return undefined;
      if (actual.length === 0) return `${path}: the README shows an element, the output has none`;
      for (const [index, item] of actual.entries()) {
        const problems = shape.items.map((itemShape) => shapeMismatch(itemShape, item, homes, `${path}[${index}]`));
        if (problems.every(Boolean)) return problems[0];
      }
      return undefined;
    }
  }
}

export function jsonMismatch(shown: string, stdout: string, homes: Homes): string | undefined {
  let actual: unknown;
  try {
    actual = JSON.parse(stdout);
  } catch {
    return `the README shows JSON (${shown}), the output is not one JSON document: ${JSON.stringify(stdout.slice(0, 200))}`;
  }
  return shapeMismatch(parseShape(shown), actual, homes);
}
