export type LogValue = string | number | boolean | null | undefined;

/** Every line, newline included, stays under 4096 bytes. */
export const MAX_LINE_BYTES = 4095;
const ELLIPSIS = '…';

// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
/** Unicode line breaks (NEL is not `\s` to a JS regex) count as whitespace: quoted and escaped. */
const NEEDS_QUOTES = /[\s"=\u0085]/;

/**
 * A value is quoted iff it contains whitespace, `"` or `=`; inside quotes `\` and `"`
 * are escaped and a newline is written `\n`, so no value can ever start a new line.
 * Other control characters are written `\u00XX` wherever they are.
 */
export function formatValue(raw: string): string {
  if (raw === '') return '""';
  const safe = raw.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (!NEEDS_QUOTES.test(safe)) return safe;
  const escaped = safe
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/[\u2028\u2029\u0085]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

function stringOf(value: Exclude<LogValue, undefined>): string {
  return value === null ? '' : String(value);
}

function pair(key: string, raw: string): string {
  return `${key}=${formatValue(raw)}`;
}

/** Cuts a value (by code points) so that its formatted pair fits in `budget` bytes. */
function truncateToFit(key: string, raw: string, budget: number): string {
  const points = Array.from(raw);
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const candidate = points.slice(0, mid).join('') + ELLIPSIS;
    if (Buffer.byteLength(pair(key, candidate)) <= budget) low = mid;
    else high = mid - 1;
  }
  return points.slice(0, low).join('') + ELLIPSIS;
}

/** Formats fields in the order given, dropping undefined ones, cutting the longest values to fit. */
export function formatLine(fields: ReadonlyArray<readonly [string, LogValue]>): string {
  const present = fields.filter((field): field is [string, Exclude<LogValue, undefined>] => field[1] !== undefined);
  const raws = present.map(([key, value]) => [key, stringOf(value)] as [string, string]);
  const size = () => Buffer.byteLength(raws.map(([key, raw]) => pair(key, raw)).join(' '));
  // Leave room for the newline the writer appends.
  const limit = MAX_LINE_BYTES - 1;
  while (size() > limit) {
    let longest = 0;
    raws.forEach(([key, raw], index) => {
      const [longKey, longRaw] = raws[longest] ?? ['', ''];
      if (Buffer.byteLength(pair(key, raw)) > Buffer.byteLength(pair(longKey, longRaw))) longest = index;
    });
    const entry = raws[longest];
    if (!entry) break;
    const others = size() - Buffer.byteLength(pair(entry[0], entry[1]));
    const budget = Math.max(limit - others, Buffer.byteLength(pair(entry[0], ELLIPSIS)));
    const cut = truncateToFit(entry[0], entry[1], budget);
    if (cut === entry[1]) break;
    entry[1] = cut;
  }
  return raws.map(([key, raw]) => pair(key, raw)).join(' ');
}

/** Parses one logfmt line as written by formatLine (the tests read the log with it). */
export function parseLine(line: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?:\s+|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(line)) !== null) {
    const [whole, key = '', value = ''] = match;
    consumed += whole.length;
    fields.set(key, value.startsWith('"') ? unquote(value) : value);
    if (pattern.lastIndex >= line.length) break;
  }
  return consumed === line.length && fields.size > 0 ? fields : undefined;
}

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(u[0-9a-f]{4}|.)/g, (_, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escape] ?? escape;
  });
}
