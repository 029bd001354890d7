import { UsageError } from '../../core/errors.js';
import { MAX_TEXT_BYTES, MAX_TOPIC_CHARS } from '../../core/limits.js';
import { stripTerminalControls } from '../../core/text/terminal-text.js';

/** Who a message is from when no peer sent it. */
export const OPERATOR = 'operator';
export const DEFAULT_TOPIC = 'none';
const TOPIC_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,${MAX_TOPIC_CHARS - 1}}$`);

export interface Envelope {
  readonly from: string;
  readonly topic: string;
  readonly id: string;
  readonly body: string;
  readonly attachments: readonly string[];
}

/**
 * The body as the agent will see it: verbatim but for terminal controls (see
 * stripTerminalControls: escape sequences whole, then the other controls but LF and tab),
 * which could end the bracketed paste, submit early or drive the agent's terminal. CR LF
 * becomes LF.
 */
export function cleanBody(body: string): string {
  return stripTerminalControls(body.replace(/\r\n/g, '\n'));
}

export function parseTopic(topic: string | undefined): string {
  if (topic === undefined) return DEFAULT_TOPIC;
  if (!TOPIC_PATTERN.test(topic)) {
    throw new UsageError(
      `invalid topic ${JSON.stringify(topic.slice(0, 70))}: use 1-${MAX_TOPIC_CHARS} of letters, digits and . _ : / @ + -, starting with a letter or digit`,
      'EINVALIDVALUE',
    );
  }
  return topic;
}

export function checkBodySize(body: string): void {
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_TEXT_BYTES) {
    throw new UsageError(`the message is ${bytes} bytes, over the ${MAX_TEXT_BYTES}-byte limit; send a file as an attachment instead`, 'ETOOLARGE');
  }
}

/** A message with nothing to read once cleaned (empty, white space, controls) would arrive as a bare header. */
export function refuseEmptyBody(body: string): void {
  if (cleanBody(body).trim() === '') {
    throw new UsageError('the message is empty (or only white space): nothing was sent or queued; give it some text', 'EEMPTYMESSAGE');
  }
}

/**
 * What a message's text and topic are checked for wherever it goes (here, to another host, or
 * taken from one): its size, something to read, a topic of the allowed characters. The topic as written.
 */
export function checkContent(body: string, topic: string | undefined): string {
  checkBodySize(body);
  refuseEmptyBody(body);
  return parseTopic(topic);
}

/** A path with spaces, quotes or controls is written as a JSON string, so the line stays one line. */
function shownPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- controls are what forces the quoted form
  return /[\s"\u0000-\u001f\u007f-\u009f]/.test(path) ? JSON.stringify(path) : path;
}

/** `[iap from=… topic=… id=…]`, the cleaned body, then one `attachments:` line if any. */
export function formatEnvelope(envelope: Envelope): string {
  const lines = [`[iap from=${envelope.from} topic=${envelope.topic} id=${envelope.id}]`, cleanBody(envelope.body)];
  if (envelope.attachments.length > 0) lines.push(`attachments: ${envelope.attachments.map(shownPath).join(' ')}`);
  return lines.join('\n');
}
