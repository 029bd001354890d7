// A loopback fake of the two model APIs the real agent CLIs talk to, for smoke tests
// that run Claude Code and Codex CLI in tmux without an account or the internet:
//   - Anthropic Messages   POST /v1/messages[?beta=true]   (Claude Code)
//   - OpenAI Responses     POST /v1/responses              (Codex CLI, wire_api="responses")
// Every request is recorded; helpers pull out the text of the user turns so a test can
// assert that the main conversation saw each delivered message exactly once, in order.
// node:http only, binds 127.0.0.1 only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** What the fake model answers to the next main-conversation turn. */
export type Reply =
  | { readonly kind: 'text'; readonly text: string; readonly delayMs?: number }
  | {
      readonly kind: 'tool';
      /** Tool name exactly as the agent advertised it, e.g. `mcp__iapeer__send_to_peer`
       *  (Claude) or what Codex lists in `tools` (see FINDINGS.md). */
      readonly name: string;
      readonly input: Readonly<Record<string, unknown>>;
      /** Responses API only: the `namespace` of the function_call item. Codex 0.169 offers
       *  MCP tools as `{type:"namespace", name:"mcp__<server>", tools:[…]}`, so a call to an
       *  MCP tool is `name: "<tool>"` with `namespace: "mcp__<server>"`. */
      readonly namespace?: string;
      readonly delayMs?: number;
      /** Text answered to the follow-up request that carries the tool result. */
      readonly thenText?: string;
    };

/** Which API a request spoke. */
export type Api = 'anthropic' | 'openai' | 'other';

/**
 * `main`: a turn of the main conversation that a user message started (consumes a Reply);
 * `tool-result`: a main-conversation request whose newest input is a tool result;
 * `side`: an auxiliary model call the CLI makes on its own (title, summary, quota probe…);
 * `probe`: not a model call (count_tokens, model list, telemetry, anything unknown).
 */
export type RequestKind = 'main' | 'tool-result' | 'side' | 'probe';

export interface RecordedRequest {
  readonly seq: number;
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly api: Api;
  readonly kind: RequestKind;
  readonly model: string | undefined;
  readonly stream: boolean;
  /** Text of every user turn in the request (system reminders / injected context removed). */
  readonly userTexts: readonly string[];
  /** Text of the newest user input (everything after the last assistant output), or
   *  undefined when there is none. A `tool-result` request can carry some too: Claude Code
   *  folds messages queued while it worked into the tool-result turn. */
  readonly newUserText: string | undefined;
  /** Names of the tools the request advertised. */
  readonly tools: readonly string[];
  /** Tool results carried by the newest input (their text). */
  readonly toolResults: readonly string[];
  /** Why it was classed `side`, if it was. */
  readonly sideReason: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface FakeModelApi {
  readonly port: number;
  /** `http://127.0.0.1:<port>` (no /v1). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests to paths nobody handles (answered 404 JSON and logged). */
  readonly unknown: string[];
  /** newUserText of every `main` / `tool-result` request that has one, in arrival order:
   *  the user messages the main conversation saw. */
  userMessages(): string[];
  /**
   * The user messages of the main conversation as its latest request carried them (both CLIs
   * resend the whole history each turn): each delivered message once, in order, however
   * often it was re-sent (Codex resends the turn when a message steers into it; Claude Code
   * retries). Empty before the first main request. Not meaningful across a compaction.
   */
  conversation(): string[];
  /** Recorded requests of one kind. */
  byKind(kind: RequestKind): RecordedRequest[];
  /** Queue a reply for the next main turn (FIFO after any `script`). */
  setNext(reply: Reply): void;
  /** Default answer when the queue is empty (initially an echo). */
  setDefault(reply: Reply | ((userText: string) => Reply)): void;
  /** Resolves when `n` main requests have arrived (or rejects after timeoutMs). */
  waitForMain(n: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Number of model responses currently being delayed/streamed. */
  inFlight(): number;
  close(): Promise<void>;
}

export interface FakeModelApiOptions {
  /** Replies for the first main turns, in order. */
  readonly script?: readonly Reply[];
  /** Fixed port (default: any free one). */
  readonly port?: number;
  /** Called for each request (after recording), e.g. for logging. */
  readonly onRequest?: (req: RecordedRequest) => void;
}

// ---------------------------------------------------------------------------------------
// Extracting user text

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SYSTEM_REMINDER = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

/** Text blocks Claude Code or Codex inject into user content that the user never typed. */
function isInjectedText(text: string): boolean {
  const t = text.trimStart();
  return (
    t.startsWith('<system-reminder>') ||
    t.startsWith('<environment_context>') ||
    t.startsWith('<user_instructions>') ||
    t.startsWith('<permissions instructions>') ||
    t.startsWith('<collaboration_mode>') ||
    t.startsWith('<turn_aborted>') ||
    t.startsWith('# AGENTS.md instructions') ||
    t.startsWith('<local-command-') ||
    t.startsWith('<command-name>') ||
    t.startsWith('Caveat: The messages below were generated by the user while running local commands')
  );
}

/** Claude Code 2.1.3xx sends a paste that it showed as `[Pasted text #N +M lines]` wrapped
 *  as `<pasted_content id="ab12">\n…\n</pasted_content id="ab12">`. */
const PASTED_CONTENT = /<pasted_content id="([^"]*)">\n?([\s\S]*?)\n?<\/pasted_content id="\1">/g;

/** The user's own text: system reminders removed, paste wrappers unwrapped, trimmed. */
export function cleanText(text: string): string {
  return text.replace(SYSTEM_REMINDER, '').replace(PASTED_CONTENT, '$2').trim();
}

interface TurnInfo {
  readonly userTexts: string[];
  readonly newUserText: string | undefined;
  readonly toolResults: string[];
}

function blockText(block: unknown): string | undefined {
  if (typeof block === 'string') return block;
  if (!isObj(block)) return undefined;
  if ((block.type === 'text' || block.type === 'input_text') && typeof block.text === 'string') return block.text;
  return undefined;
}

function textOfContent(content: unknown): string | undefined {
  if (typeof content === 'string') {
    return isInjectedText(content) ? undefined : cleanText(content) || undefined;
  }
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const block of content) {
    const t = blockText(block);
    if (t === undefined || isInjectedText(t)) continue;
    const c = cleanText(t);
    if (c) parts.push(c);
  }
  return parts.length ? parts.join('\n') : undefined;
}

function toolResultText(block: Json): string {
  const c = block.content ?? block.output;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((b) => blockText(b) ?? '').join('');
  if (isObj(c) && typeof c.content === 'string') return c.content;
  return JSON.stringify(c ?? null);
}

/**
 * Anthropic Messages: `messages: [{role, content: string | block[]}]`. The newest input is
 * every message after the last assistant one (Claude Code 2.1.3xx appends `role: "system"`
 * messages after the user's, so the user turn is not always last).
 */
export function anthropicTurns(body: unknown): TurnInfo {
  const messages: unknown[] = isObj(body) && Array.isArray(body.messages) ? body.messages : [];
  const userTexts: string[] = [];
  const newTexts: string[] = [];
  const toolResults: string[] = [];
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (isObj(m) && m.role === 'assistant') lastAssistant = i;
  });
  messages.forEach((m, i) => {
    if (!isObj(m) || m.role !== 'user') return;
    const text = textOfContent(m.content);
    if (text !== undefined) userTexts.push(text);
    if (i <= lastAssistant) return;
    if (text !== undefined) newTexts.push(text);
    if (Array.isArray(m.content)) {
      for (const b of m.content) if (isObj(b) && b.type === 'tool_result') toolResults.push(toolResultText(b));
    }
  });
  const newUserText = newTexts.length ? newTexts.join('\n') : undefined;
  return { userTexts, newUserText, toolResults };
}

/** OpenAI Responses: `input: [{type:"message", role, content:[{type:"input_text"}]} | {type:"function_call_output"} …]`. */
export function responsesTurns(body: unknown): TurnInfo {
  const input = isObj(body) ? body.input : undefined;
  if (typeof input === 'string') return { userTexts: [input], newUserText: input, toolResults: [] };
  const items = Array.isArray(input) ? input : [];
  const userTexts: string[] = [];
  let newUserText: string | undefined;
  const toolResults: string[] = [];
  // The newest input is everything after the last assistant output item.
  let lastOutput = -1;
  items.forEach((it: unknown, i: number) => {
    if (!isObj(it)) return;
    if ((it.type === 'message' && it.role === 'assistant') || it.type === 'function_call' || it.type === 'reasoning') {
      lastOutput = i;
    }
  });
  const newTexts: string[] = [];
  items.forEach((it: unknown, i: number) => {
    if (!isObj(it)) return;
    const isUserMsg = (it.type === 'message' || it.type === undefined) && it.role === 'user';
    if (isUserMsg) {
      const text = textOfContent(it.content);
      if (text !== undefined) {
        userTexts.push(text);
        if (i > lastOutput) newTexts.push(text);
      }
    }
    if (i > lastOutput && (it.type === 'function_call_output' || it.type === 'custom_tool_call_output')) {
      toolResults.push(toolResultText(it));
    }
  });
  if (newTexts.length) newUserText = newTexts.join('\n');
  return { userTexts, newUserText, toolResults };
}

// ---------------------------------------------------------------------------------------
// Classifying side requests

function systemText(body: Json): string {
  const s = body.system ?? body.instructions;
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return s.map((b) => blockText(b) ?? '').join('\n');
  return '';
}

function toolNames(body: Json): string[] {
  if (!Array.isArray(body.tools)) return [];
  const names: string[] = [];
  for (const t of body.tools) {
    if (!isObj(t)) continue;
    if (typeof t.name === 'string') names.push(t.name);
    else if (isObj(t.function) && typeof t.function.name === 'string') names.push(t.function.name);
    else if (typeof t.type === 'string') names.push(`<${t.type}>`);
  }
  return names;
}

/**
 * Claude Code's main loop always advertises its tool set (Bash, Read, …) and streams.
 * Its auxiliary calls do not carry tools: session-title generation, the "quota" probe
 * (max_tokens 1), prompt-suggestion / summary calls on the small fast model. A request
 * without tools is therefore `side`; the reason names which kind when recognisable.
 */
function anthropicSideReason(body: Json, turns: TurnInfo): string | undefined {
  const tools = toolNames(body);
  const sys = systemText(body);
  const last = turns.userTexts[turns.userTexts.length - 1] ?? '';
  if (body.max_tokens === 1) return 'quota-probe';
  if (turns.newUserText !== undefined && isCompactionPrompt(turns.newUserText)) return 'compact';
  if (tools.length > 0) return undefined;
  if (/title/i.test(sys) || /title/i.test(last.slice(0, 200))) return 'title';
  if (/summar/i.test(sys)) return 'summary';
  if (/suggest/i.test(sys)) return 'suggestion';
  return 'no-tools';
}

/** The summarisation prompt `/compact` (or auto-compaction) sends as a user turn. */
function isCompactionPrompt(text: string): boolean {
  return (
    /^CRITICAL: Respond with TEXT ONLY\. Do NOT call any tools\./.test(text) || // Claude Code
    /CONTEXT CHECKPOINT COMPACTION/.test(text) || // Codex
    (/<summary>/.test(text) && /summar/i.test(text.slice(0, 400)))
  );
}

/** Codex's auxiliary calls (e.g. compaction summaries) are rarer; a request without tools is `side`. */
function responsesSideReason(body: Json, turns: TurnInfo): string | undefined {
  if (turns.newUserText !== undefined && isCompactionPrompt(turns.newUserText)) return 'compact';
  if (toolNames(body).length > 0) return undefined;
  // Codex 0.169 asks for a thread title after the first turn (no tools).
  if (/task title/i.test(turns.newUserText?.slice(0, 200) ?? '')) return 'title';
  return 'no-tools';
}

// ---------------------------------------------------------------------------------------
// Writing responses

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sse(res: ServerResponse, event: string, data: Json): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': `req_fake_${Date.now()}`,
  });
}

/** Waits `ms`, sending `ping` to keep the stream alive; stops early if the client went away. */
async function delayWithPings(res: ServerResponse, ms: number, ping: () => void): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !res.destroyed) {
    await sleep(Math.min(1000, end - Date.now()));
    if (!res.destroyed && Date.now() < end) ping();
  }
}

function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 24) out.push(text.slice(i, i + 24));
  return out.length ? out : [''];
}

let idCounter = 0;
const nextId = (prefix: string): string => `${prefix}_fake${(++idCounter).toString().padStart(6, '0')}`;

async function writeAnthropic(res: ServerResponse, body: Json, reply: Reply): Promise<void> {
  const model = typeof body.model === 'string' ? body.model : 'claude-fake';
  const usage = { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const id = nextId('msg');
  const toolId = nextId('toolu');
  const content: Json[] =
    reply.kind === 'text'
      ? [{ type: 'text', text: reply.text }]
      : [{ type: 'tool_use', id: toolId, name: reply.name, input: reply.input }];
  const stopReason = reply.kind === 'text' ? 'end_turn' : 'tool_use';
  if (body.stream !== true) {
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage }),
    );
    return;
  }
  startSse(res);
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage },
  });
  if (reply.delayMs) await delayWithPings(res, reply.delayMs, () => sse(res, 'ping', { type: 'ping' }));
  if (res.destroyed) return;
  if (reply.kind === 'text') {
    sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const c of chunks(reply.text)) {
      sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: c } });
    }
  } else {
    sse(res, 'content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: toolId, name: reply.name, input: {} },
    });
    sse(res, 'content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: JSON.stringify(reply.input) },
    });
  }
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 8 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

async function writeResponses(res: ServerResponse, body: Json, reply: Reply): Promise<void> {
  const model = typeof body.model === 'string' ? body.model : 'gpt-fake';
  const respId = nextId('resp');
  const base = { id: respId, object: 'response', created_at: Math.floor(Date.now() / 1000), model };
  const usage = {
    input_tokens: 12,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 8,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 20,
  };
  let item: Json;
  if (reply.kind === 'text') {
    item = { type: 'message', role: 'assistant', id: nextId('msg'), status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
  } else {
    item = { type: 'function_call', id: nextId('fc'), call_id: nextId('call'), name: reply.name, arguments: JSON.stringify(reply.input), status: 'completed' };
    if (reply.namespace !== undefined) item.namespace = reply.namespace;
  }
  if (body.stream === false) {
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...base, status: 'completed', output: [item], usage }));
    return;
  }
  startSse(res);
  let seq = 0;
  const ev = (type: string, data: Json): void => sse(res, type, { type, sequence_number: seq++, ...data });
  ev('response.created', { response: { ...base, status: 'in_progress', output: [] } });
  ev('response.in_progress', { response: { ...base, status: 'in_progress', output: [] } });
  // Codex has no ping event; a comment line keeps the connection busy without being parsed.
  if (reply.delayMs) await delayWithPings(res, reply.delayMs, () => res.write(': keep-alive\n\n'));
  if (res.destroyed) return;
  if (reply.kind === 'text') {
    const itemId = item.id as string;
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    ev('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const c of chunks(reply.text)) {
      ev('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: c });
    }
    ev('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: reply.text });
    ev('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: reply.text, annotations: [] } });
  } else {
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: item.arguments });
    ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments });
  }
  ev('response.output_item.done', { output_index: 0, item });
  ev('response.completed', { response: { ...base, status: 'completed', output: [item], usage } });
  res.end();
}

// ---------------------------------------------------------------------------------------
// The server

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  let buf = Buffer.concat(parts);
  const enc = String(req.headers['content-encoding'] ?? '').toLowerCase();
  try {
    if (enc === 'gzip') buf = gunzipSync(buf);
    else if (enc === 'br') buf = brotliDecompressSync(buf);
    else if (enc === 'deflate') buf = inflateSync(buf);
  } catch {
    /* keep raw */
  }
  return buf;
}

function json(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(data));
}

const COMPACT_SUMMARY =
  '<analysis>fake analysis</analysis>\n<summary>1. Primary Request and Intent: fake conversation summary.</summary>';

const FAKE_MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'gpt-5-codex', 'gpt-5'];

export async function startFakeModelApi(options: FakeModelApiOptions = {}): Promise<FakeModelApi> {
  const queue: Reply[] = [...(options.script ?? [])];
  let fallback: Reply | ((userText: string) => Reply) = (t) => ({ kind: 'text', text: `fake-model ack: ${t.slice(0, 60)}` });
  const requests: RecordedRequest[] = [];
  const unknown: string[] = [];
  /** thenText for the follow-up of a tool reply, oldest first. */
  const pendingThen: string[] = [];
  let flying = 0;
  const waiters: { n: number; resolve: (r: RecordedRequest) => void }[] = [];

  const mainCount = (): number => requests.filter((r) => r.kind === 'main').length;

  function nextReply(userText: string): Reply {
    const q = queue.shift();
    if (q) return q;
    return typeof fallback === 'function' ? fallback(userText) : fallback;
  }

  function record(r: RecordedRequest): void {
    requests.push(r);
    options.onRequest?.(r);
    if (r.kind === 'main') {
      const n = mainCount();
      for (const w of [...waiters]) {
        if (n >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    let body: unknown = undefined;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8').slice(0, 2000);
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === 'authorization' || k === 'x-api-key') headers[k] = '<redacted>';
      else if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const obj: Json = isObj(body) ? body : {};
    const base = {
      seq: requests.length + 1,
      at: Date.now(),
      method,
      path,
      query: url.search,
      model: typeof obj.model === 'string' ? obj.model : undefined,
      stream: obj.stream === true,
      headers,
      body,
    };
    const probe = (api: Api): RecordedRequest => ({
      ...base,
      api,
      kind: 'probe',
      userTexts: [],
      newUserText: undefined,
      tools: [],
      toolResults: [],
      sideReason: undefined,
    });

    const isMessages = method === 'POST' && /\/v1\/messages$/.test(path);
    const isResponses = method === 'POST' && /\/v1\/responses$/.test(path);
    if (isMessages || isResponses) {
      const api: Api = isMessages ? 'anthropic' : 'openai';
      const turns = isMessages ? anthropicTurns(body) : responsesTurns(body);
      const sideReason = isMessages ? anthropicSideReason(obj, turns) : responsesSideReason(obj, turns);
      const kind: RequestKind = sideReason
        ? 'side'
        : turns.toolResults.length
          ? 'tool-result'
          : turns.newUserText !== undefined
            ? 'main'
            : 'side';
      record({
        ...base,
        api,
        kind,
        userTexts: turns.userTexts,
        newUserText: turns.newUserText,
        tools: toolNames(obj),
        toolResults: turns.toolResults,
        sideReason: kind === 'side' ? (sideReason ?? 'no-new-user-text') : undefined,
      });
      let reply: Reply;
      if (kind === 'main') reply = nextReply(turns.newUserText ?? '');
      else if (kind === 'tool-result') reply = { kind: 'text', text: pendingThen.shift() ?? 'fake-model: tool result received' };
      else if (sideReason === 'compact') reply = { kind: 'text', text: COMPACT_SUMMARY };
      else reply = { kind: 'text', text: sideReason === 'title' ? '{"title": "Fake session"}' : 'Fake side reply' };
      if (reply.kind === 'tool') pendingThen.push(reply.thenText ?? 'fake-model: tool result received');
      flying++;
      try {
        if (isMessages) await writeAnthropic(res, obj, reply);
        else await writeResponses(res, obj, reply);
      } finally {
        flying--;
      }
      return;
    }

    // Everything else: answer harmlessly, record as probe.
    if (method === 'POST' && /\/v1\/messages\/count_tokens$/.test(path)) {
      record(probe('anthropic'));
      json(res, 200, { input_tokens: 100 });
      return;
    }
    if (method === 'GET' && /\/v1\/models$/.test(path)) {
      record(probe(headers['anthropic-version'] ? 'anthropic' : 'openai'));
      const data = FAKE_MODELS.map((id) => ({ id, type: 'model', object: 'model', display_name: id, created_at: '2025-01-01T00:00:00Z', created: 1735689600, owned_by: 'fake' }));
      json(res, 200, { data, models: [], has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, object: 'list' });
      return;
    }
    if (method === 'GET' && /\/v1\/models\/[^/]+$/.test(path)) {
      record(probe('anthropic'));
      const id = decodeURIComponent(path.split('/').pop() ?? 'model');
      json(res, 200, { id, type: 'model', display_name: id, created_at: '2025-01-01T00:00:00Z' });
      return;
    }
    record(probe('other'));
    unknown.push(`${method} ${path}${url.search}`);
    if (method === 'HEAD' || (method === 'GET' && path === '/')) {
      res.writeHead(200);
      res.end();
      return;
    }
    json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake-model-api: no route ${method} ${path}` } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { type: 'error', error: { type: 'api_error', message: String(err) } });
      else res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    unknown,
    userMessages: () =>
      requests.flatMap((r) =>
        (r.kind === 'main' || r.kind === 'tool-result') && r.newUserText !== undefined ? [r.newUserText] : [],
      ),
    conversation: () => {
      const last = requests.filter((r) => r.kind === 'main' || r.kind === 'tool-result').pop();
      return last ? [...last.userTexts] : [];
    },
    byKind: (kind) => requests.filter((r) => r.kind === kind),
    setNext: (reply) => {
      queue.push(reply);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    waitForMain: (n, timeoutMs = 30_000) =>
      new Promise<RecordedRequest>((resolve, reject) => {
        const done = requests.filter((r) => r.kind === 'main');
        const hit = done[n - 1];
        if (hit) {
          resolve(hit);
          return;
        }
        const w = {
          n,
          resolve: (r: RecordedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`fake-model-api: ${mainCount()} of ${n} main requests after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      }),
    inFlight: () => flying,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
