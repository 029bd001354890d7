// deliverText against an in-memory line-based agent (the DeliveryPane seam): verification by
// the cursor's line, `unverified`, the gate and the runtime's report. Real tmux and real
// agents are in test/integration/lifecycle/messages/verification.test.ts.
import { describe, expect, it } from 'vitest';
import type { DeliveryKnobs } from '../../../../src/transport/screen/composer.js';
import { type DeliveryPane, deliverText } from '../../../../src/transport/screen/deliver-text.js';

const PANE = { pid: 10, dead: false, exitStatus: undefined, tty: '/dev/pts/1', inMode: false, serverPid: 9 };

interface AgentOptions {
  readonly echo?: boolean;
  readonly dropEnters?: number;
  readonly cursor?: boolean;
}

/** A line-based agent: history lines, then the `> ` prompt holding the input; the cursor at its end. */
class LineAgent implements DeliveryPane {
  readonly history: string[] = ['line agent ready', '> single line', 'got 1 line'];
  readonly submitted: string[] = [];
  readonly keys: string[] = [];
  pastes = 0;
  private input = '';
  private readonly buffers = new Map<string, string>();
  private dropEnters: number;

  constructor(private readonly options: AgentOptions = {}) {
    this.dropEnters = options.dropEnters ?? 0;
  }

  private shown(): string[] {
    const echoed = this.options.echo === false ? '' : this.input;
    return [...this.history, ...`> ${echoed}`.split('\n')];
  }

  look(): ReturnType<DeliveryPane['look']> {
    const lines = this.shown();
    const last = lines[lines.length - 1] ?? '';
    const cursor = this.options.cursor === false ? undefined : { x: last.length, y: lines.length - 1 };
    return Promise.resolve({ liveness: { state: 'live', pane: PANE }, screen: `${lines.join('\n')}\n`, cursor });
  }

  leaveMode(): Promise<void> {
    return Promise.resolve();
  }

  sendKey(_identity: string, key: string): Promise<void> {
    this.keys.push(key);
    if (key !== 'Enter') return Promise.resolve();
    if (this.dropEnters > 0) {
      this.dropEnters -= 1;
      return Promise.resolve();
    }
    if (this.input !== '') this.submitted.push(this.input);
    this.history.push(...`> ${this.input}`.split('\n'), `got ${this.input.split('\n').length} lines`);
    this.input = '';
    return Promise.resolve();
  }

  loadBuffer(_identity: string, buffer: string, text: string): Promise<void> {
    this.buffers.set(buffer, text);
    return Promise.resolve();
  }

  pasteBuffer(_identity: string, buffer: string): Promise<boolean> {
    const text = this.buffers.get(buffer);
    if (text === undefined) return Promise.resolve(false);
    this.buffers.delete(buffer);
    this.pastes += 1;
    this.input += text;
    return Promise.resolve(true);
  }
}

const ONLY_READY: DeliveryKnobs = { ready: /^> /, composer: undefined, composerEmpty: undefined, busy: undefined, settleMs: 0, enterRetries: 3 };
const README: DeliveryKnobs = { ...ONLY_READY, composer: /^> \S/, busy: /esc to interrupt/ };
const MESSAGE = { id: 'm1', text: '[iap from=operator topic=none id=m1]\nsingle line' };

describe('deliverText by the cursor line (a runtime with only ready)', () => {
  it('presses Enter again while the line holding the cursor still holds the text', async () => {
    const agent = new LineAgent({ dropEnters: 1 });
    expect(await deliverText(agent, 'x', MESSAGE, ONLY_READY)).toEqual({ outcome: 'delivered', enters: 2, busy: false, confirmed: 'cursor' });
    expect(agent.submitted).toEqual([MESSAGE.text]);
    expect(agent.pastes).toBe(1);
  });

  it('is unverified, after exactly one Enter, when the paste shows nothing', async () => {
    const agent = new LineAgent({ echo: false });
    expect(await deliverText(agent, 'x', MESSAGE, ONLY_READY)).toEqual({ outcome: 'unverified', enters: 1 });
    expect(agent.keys).toEqual(['Enter']);
    expect(agent.submitted).toEqual([MESSAGE.text]);
    expect(agent.pastes).toBe(1);
  });

  it('is unverified when the pane gives no cursor', async () => {
    const agent = new LineAgent({ cursor: false });
    expect(await deliverText(agent, 'x', MESSAGE, ONLY_READY)).toEqual({ outcome: 'unverified', enters: 1 });
  });

  it('is unsubmitted when no Enter is taken, after the bounded retries', async () => {
    const agent = new LineAgent({ dropEnters: 10 });
    expect(await deliverText(agent, 'x', MESSAGE, { ...ONLY_READY, enterRetries: 1 })).toEqual({ outcome: 'unsubmitted' });
    expect(agent.keys).toEqual(['Enter', 'Enter']);
    expect(agent.pastes).toBe(1);
  });
});

describe("deliverText with the README's composer pattern on a line-based agent", () => {
  it('delivers at once with one Enter: history lines like `> single line` are not the composer', async () => {
    const agent = new LineAgent();
    expect(await deliverText(agent, 'x', MESSAGE, README)).toEqual({ outcome: 'delivered', enters: 1, busy: false, confirmed: 'screen' });
    expect(agent.keys).toEqual(['Enter']);
    expect(agent.submitted).toEqual([MESSAGE.text]);
  });
});

describe('the gate and the runtime report', () => {
  it.each(['busy', 'needs-input'] as const)('gate %s: nothing is pasted, no key is pressed', async (reason) => {
    const agent = new LineAgent();
    expect(await deliverText(agent, 'x', MESSAGE, README, { gate: () => Promise.resolve(reason) })).toEqual({ outcome: 'gated', reason });
    expect(agent.pastes).toBe(0);
    expect(agent.keys).toEqual([]);
  });

  it('gate go: delivered as usual', async () => {
    const agent = new LineAgent();
    expect((await deliverText(agent, 'x', MESSAGE, README, { gate: () => Promise.resolve('go' as const) })).outcome).toBe('delivered');
  });

  it.each([
    ['composer patterns', README, {}],
    ['the cursor line', ONLY_READY, {}],
    ['nothing on screen', ONLY_READY, { echo: false }],
  ] as const)('confirmed=hook once the runtime reports the id (%s)', async (_name, knobs, options) => {
    const agent = new LineAgent(options);
    const asked: string[] = [];
    const reported = (id: string) => {
      asked.push(id);
      return Promise.resolve(agent.submitted.length > 0);
    };
    expect(await deliverText(agent, 'x', MESSAGE, knobs, { reported })).toEqual({ outcome: 'delivered', enters: 1, busy: false, confirmed: 'hook' });
    expect(asked.every((id) => id === 'm1')).toBe(true);
    expect(agent.submitted).toEqual([MESSAGE.text]);
  });

  it('a report that never comes leaves what the screen said', async () => {
    const agent = new LineAgent();
    expect(await deliverText(agent, 'x', MESSAGE, README, { reported: () => Promise.resolve(false) })).toEqual({ outcome: 'delivered', enters: 1, busy: false, confirmed: 'screen' });
    expect(agent.keys).toEqual(['Enter']);
  });
});
