import { once } from 'node:events';
import { escapeControlKeepNewlines } from '../../core/text/terminal-text.js';
import { type LogQuery, isEmptyQuery, lineObject, parseLogQuery, selectLine } from '../../lifecycle/log/log-filter.js';
import { followLog } from '../../lifecycle/log/follow-log.js';
import { readLog } from '../../lifecycle/log/read-log.js';
import type { Verb } from '../context-from-env.js';
import { type Io, untilStopped } from '../io.js';
import { jsonArrayWriter, jsonLine, nearest, shown } from '../output.js';

export interface LogOptions {
  readonly peer?: string;
  readonly ev?: string;
  readonly since?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
}

/** Notices for lines that are not logfmt, before they are skipped silently. */
const MAX_NOTICES = 10;

/** Turns batches of log lines into output text. */
interface Renderer {
  batch(lines: readonly string[]): string;
  end(): string;
}

/**
 * The lines as written, control characters shown as escapes (one pass over the batch: the
 * lines hold no newline); without filters nothing is parsed.
 */
function textRenderer(query: LogQuery): Renderer {
  const all = isEmptyQuery(query);
  return {
    batch: (lines) => {
      const kept = lines.filter((line) => (all ? line !== '' : selectLine(line, query) !== undefined));
      return kept.length === 0 ? '' : `${escapeControlKeepNewlines(kept.join('\n'))}\n`;
    },
    end: () => '',
  };
}

/**
 * Objects with every value a string, `ts` first: one JSON array, or with --follow one
 * document per object (a line each in a pipe). A line that is not logfmt is skipped with a
 * notice on stderr.
 */
function jsonRenderer(query: LogQuery, io: Io, asArray: boolean): Renderer {
  const array = jsonArrayWriter(io);
  let skipped = 0;
  const skip = (line: string) => {
    skipped++;
    if (skipped <= MAX_NOTICES) {
      const head = line.length > 80 ? `${line.slice(0, 80)}…` : line;
      io.stderr.write(`iapeer: log: skipped a line that is not logfmt: ${shown(head)}\n`);
    }
    if (skipped === MAX_NOTICES + 1) io.stderr.write('iapeer: log: further lines that are not logfmt are skipped without notice\n');
  };
  return {
    batch: (lines) => {
      let out = '';
      for (const line of lines) {
        const fields = selectLine(line, query);
        if (fields === undefined) continue;
        if (fields === null) {
          skip(line);
          continue;
        }
        const object = lineObject(fields);
        out += asArray ? array.item(object) : jsonLine(io, object);
      }
      return out;
    },
    end: () => (asArray ? array.end() : ''),
  };
}

/** Writes, waiting while a slow reader (a pager, a pipe) catches up. */
async function write(io: Io, text: string, signal?: AbortSignal): Promise<void> {
  if (text === '' || io.stdout.write(text)) return;
  await once(io.stdout, 'drain', signal ? { signal } : {}).catch(() => undefined);
}

/**
 * Prints the lifecycle log, oldest first, filtered. With --follow, keeps printing new lines
 * until SIGINT, SIGTERM or a closed pipe, and then exits 0.
 */
export async function log(options: LogOptions, { ctx, io }: Verb): Promise<number> {
  const query = parseLogQuery(options, ctx.now(), nearest);
  const render = options.json === true ? jsonRenderer(query, io, options.follow !== true) : textRenderer(query);
  const file = ctx.paths.lifecycleLog;
  if (options.follow !== true) {
    for await (const lines of readLog(file, { notBeforeMs: query.sinceMs })) await write(io, render.batch(lines));
    await write(io, render.end());
    return 0;
  }
  await untilStopped(async (controller) => {
    const stop = () => controller.abort();
    io.stdout.once('error', stop);
    try {
      for await (const lines of followLog(file, { notBeforeMs: query.sinceMs, signal: controller.signal })) {
        await write(io, render.batch(lines), controller.signal);
      }
    } finally {
      io.stdout.off('error', stop);
    }
  });
  return 0;
}
