/** The payload kept of one event: the rest of a long prompt is cut (readers use patterns, not only JSON.parse). */
export const HOOK_PAYLOAD_MAX_BYTES = 8192;

/** `ulimit -f` blocks (512 B for dash, 1 KiB for bash): the events file stops growing at ~1–2 MiB. */
const FILE_SIZE_BLOCKS = 2048;

const KIND = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** `'…'` for sh; a `'` inside is closed, escaped and reopened. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell one-liner a runtime runs for one event: it appends `<kind> <unix seconds> <payload>`
 * to `eventsFile`. It never prints (a hook's stdout reaches the model), always exits 0 (exit 2 or
 * a failed redirection blocks a Claude prompt), ignores SIGXFSZ so the size cap is a failed
 * write rather than a killed hook, and needs nothing but sh, date and head on a bare PATH.
 */
export function hookCommand(eventsFile: string, kind: string): string {
  if (!KIND.test(kind)) throw new Error(`hook kind "${kind}" is not a plain event name`);
  if (!eventsFile.startsWith('/')) throw new Error(`events file ${eventsFile} is not an absolute path (hooks run in the agent's cwd)`);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(eventsFile)) throw new Error(`events file ${JSON.stringify(eventsFile)} holds a control character`);
  return (
    `{ trap '' XFSZ; ulimit -f ${FILE_SIZE_BLOCKS}; ` +
    `{ printf '%s %s ' ${kind} "$(date +%s)"; head -c ${HOOK_PAYLOAD_MAX_BYTES}; echo; } >> ${shQuote(eventsFile)}; } 2>/dev/null; exit 0`
  );
}
