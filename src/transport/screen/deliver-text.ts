import { setTimeout as sleep } from 'node:timers/promises';
import { type DeliveryKnobs, composerState, showsBusy, showsMessage, whereShown } from './composer.js';
import type { Liveness, PaneInfo } from '../tmux/pane-liveness.js';

export type DeliveryOutcome =
  /** Submitted: the composer let go of it (or, without composer patterns, Enter was pressed). */
  | { readonly outcome: 'delivered'; readonly enters: number; readonly busy: boolean; readonly verified: boolean }
  /** Someone's text is in the composer: nothing was pasted. */
  | { readonly outcome: 'draft' }
  /** Pasted, but nothing arrived in the composer: the runtime was not taking input. */
  | { readonly outcome: 'not-landed' }
  /** In the composer, but no Enter made the runtime take it. */
  | { readonly outcome: 'unsubmitted' }
  /** Pasted into this pane before (its buffer is used up) but shown nowhere: never pasted again. */
  | { readonly outcome: 'pasted-unseen' }
  | { readonly outcome: 'not-live' };

/** What delivery needs of a pane; `Sessions` provides it. */
export interface DeliveryPane {
  look(identity: string): Promise<{ liveness: Liveness; screen: string }>;
  leaveMode(identity: string, pane: PaneInfo): Promise<void>;
  sendKey(identity: string, key: string): Promise<void>;
  /** Loads text into the named paste buffer of the identity's server (replacing one of that name). */
  loadBuffer(identity: string, buffer: string, text: string): Promise<void>;
  /** Pastes the named buffer as one bracketed paste and deletes it; false if there is no such buffer. */
  pasteBuffer(identity: string, buffer: string): Promise<boolean>;
}

/**
 * One paste of the message: loaded into its named buffer, marked (beforePaste), then pasted.
 * `resume` pastes the buffer an interrupted delivery left instead; false when there is none.
 */
async function pasteOnce(pane: DeliveryPane, identity: string, message: DeliverMessage, options: DeliverOptions, resume: boolean): Promise<boolean> {
  const buffer = bufferOf(message.id);
  if (resume) return pane.pasteBuffer(identity, buffer);
  await pane.loadBuffer(identity, buffer, message.text);
  await options.beforePaste?.();
  if (!(await pane.pasteBuffer(identity, buffer))) throw new Error(`the paste buffer of ${message.id} vanished before it was pasted`);
  return true;
}

export interface DeliverMessage {
  readonly id: string;
  readonly text: string;
  /** A paste of it into this very session may have started (its `pastedAt` mark is set). */
  readonly pastedBefore?: boolean;
}

/** How long someone's draft may take to clear before the message is left for later. */
const DRAFT_WAIT_MS = 3000;
/** How long a paste may take to show in the composer. */
const LAND_WAIT_MS = 2000;
/** How long the composer may take to let go of the message after an Enter. */
const ENTER_WAIT_MS = 1500;
/** Pastes tried while nothing arrives; a paste that shows on screen is never repeated. */
const PASTE_ATTEMPTS = 2;

export interface DeliverOptions {
  /** Runs after the buffer is loaded and before each paste: the durable mark that a paste may have happened. */
  readonly beforePaste?: () => Promise<void>;
}

const POLL_MS = 20;

/** The paste buffer of a message is named after it, so that a crash leaves a trace of an unfinished paste. */
export function bufferOf(id: string): string {
  return `iapeer-${id}`;
}

interface Look {
  readonly live: boolean;
  readonly screen: string;
}

/** Polls the screen until `done` holds or the time is up; returns the last look. */
async function watch(pane: DeliveryPane, identity: string, timeoutMs: number, done: (look: Look) => boolean): Promise<Look> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { liveness, screen } = await pane.look(identity);
    const look = { live: liveness.state === 'live', screen };
    if (!look.live || done(look) || Date.now() >= deadline) return look;
    await sleep(POLL_MS);
  }
}

/**
 * Delivers one message into the agent's pane: leave copy mode, make sure the composer holds
 * no one else's draft, paste the text as one bracketed paste, let it settle, then Enter as a
 * separate step, and verify the runtime took it (the composer let go of it), pressing Enter
 * again a bounded number of times. Callers serialise deliveries per identity.
 *
 * Never twice into one pane: the text is loaded into a buffer named after the message, the
 * caller marks the message `pastedAt` (beforePaste), then `paste-buffer -d` pastes and
 * deletes the buffer in one step of the tmux server. After a crash anywhere in between,
 * `pastedBefore` with the buffer still there means the paste never happened (it is done
 * now); a used-up buffer means it did: the message is then submitted if it sits in the
 * composer, counted as delivered if the history shows it, and otherwise reported
 * `pasted-unseen` and never pasted again (the caller sets it aside for the operator).
 */
export async function deliverText(
  pane: DeliveryPane,
  identity: string,
  message: DeliverMessage,
  knobs: DeliveryKnobs,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome> {
  const first = await pane.look(identity);
  if (first.liveness.state !== 'live') return { outcome: 'not-live' };
  let look: Look = { live: true, screen: first.screen };
  if (first.liveness.pane.inMode) {
    // Copy mode draws over the pane: its screen is what the agent drew only after leaving it.
    await pane.leaveMode(identity, first.liveness.pane);
    look = await watch(pane, identity, 0, () => true);
    if (!look.live) return { outcome: 'not-live' };
  }
  const isEmpty = (seen: Look) => composerState(seen.screen, knobs) !== 'holds-text';
  if (message.pastedBefore === true) {
    const where = whereShown(look.screen, message.id, knobs);
    if (where === 'history') return { outcome: 'delivered', enters: 0, busy: showsBusy(look.screen, knobs), verified: true };
    if (where === 'unsure') return { outcome: 'draft' };
    if (where === 'composer') {
      await sleep(knobs.settleMs);
      return submit(pane, identity, message.id, knobs);
    }
  }
  if (!isEmpty(look)) look = await watch(pane, identity, DRAFT_WAIT_MS, isEmpty);
  if (!look.live) return { outcome: 'not-live' };
  if (!isEmpty(look)) return { outcome: 'draft' };
  const landed = await pasteUntilLanded(pane, identity, message, knobs, options);
  if (landed !== 'landed') return { outcome: landed };
  await sleep(knobs.settleMs);
  return submit(pane, identity, message.id, knobs);
}

async function pasteUntilLanded(
  pane: DeliveryPane,
  identity: string,
  message: DeliverMessage,
  knobs: DeliveryKnobs,
  options: DeliverOptions,
): Promise<'landed' | 'not-landed' | 'pasted-unseen' | 'not-live'> {
  const attempts = PASTE_ATTEMPTS;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // After an interruption, the buffer still there proves the paste never happened.
    const resume = attempt === 1 && message.pastedBefore === true;
    if (!(await pasteOnce(pane, identity, message, options, resume))) return 'pasted-unseen';
    // Without composer patterns there is nothing to watch: the paste counts as landed.
    if (composerState('', knobs) === 'unknown') return 'landed';
    const arrived = (seen: Look) => composerState(seen.screen, knobs) === 'holds-text' || showsMessage(seen.screen, message.id);
    const look = await watch(pane, identity, LAND_WAIT_MS, arrived);
    if (!look.live) return 'not-live';
    if (arrived(look)) return 'landed';
  }
  return 'not-landed';
}

async function submit(pane: DeliveryPane, identity: string, id: string, knobs: DeliveryKnobs): Promise<DeliveryOutcome> {
  const verifiable = composerState('', knobs) !== 'unknown';
  // Taken: the composer is empty, or its text is not this message, which the history shows.
  const taken = (seen: Look) => composerState(seen.screen, knobs) === 'empty' || whereShown(seen.screen, id, knobs) === 'history';
  for (let enters = 1; enters <= 1 + knobs.enterRetries; enters++) {
    await pane.sendKey(identity, 'Enter');
    if (!verifiable) return { outcome: 'delivered', enters, busy: false, verified: false };
    const look = await watch(pane, identity, ENTER_WAIT_MS, taken);
    // An agent that exits on the message has taken it: it left the composer.
    if (!look.live) return { outcome: 'delivered', enters, busy: false, verified: false };
    if (taken(look)) return { outcome: 'delivered', enters, busy: showsBusy(look.screen, knobs), verified: true };
  }
  return { outcome: 'unsubmitted' };
}
