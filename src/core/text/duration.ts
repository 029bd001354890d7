const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A span such as `90s`, `15m`, `2h`, `1d`, `1w`, or several joined (`1h30m`), in
 * milliseconds; undefined for anything else. Units are lower case, as in `sleep`.
 */
export function parseDuration(text: string): number | undefined {
  if (!/^(?:\d{1,9}[smhdw])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount = '', unit = ''] of text.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * (UNIT_MS[unit] ?? 0);
  return total;
}

// A date, optionally a time (minutes at least) and a zone; `T` or one space between them.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 time (`2026-01-31`, `2026-01-31T09:00`, `2026-01-31T09:00:00Z`, with an
 * offset or not) as epoch milliseconds; undefined for anything else. As in JavaScript,
 * a date alone is midnight UTC and a time without a zone is local time.
 */
export function parseIsoTime(text: string): number | undefined {
  if (!ISO_TIME.test(text)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a day the month lacks is refused instead.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}
