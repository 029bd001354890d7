import { setTimeout as sleep } from 'node:timers/promises';
import { type DeliveryKnobs, composerState, showsBusy, showsMessage, whereShown } from './composer.js';
import { type Confirmation, cursorMoved, cursorView, verificationOf, whereShownByCursor } from './delivery-check.js';
import type { Liveness, PaneInfo } from '../tmux/pane-liveness.js';
import type { Cursor } from '../tmux/tmux-args.js';

export type { Confirmation };

export type DeliveryOutcome =
  /** Submitted, and confirmed: by the runtime's report, its composer patterns, or the cursor's line. */
  | { readonly outcome: 'delivered'; readonly enters: number; readonly busy: boolean; readonly confirmed: Exclude<Confirmation, 'none'> }
  /** Pasted and submitted with one Enter, but nothing could tell whether it arrived (the paste showed nothing). */
  | { readonly outcome: 'unverified'; readonly enters: number }
  /** The gate said not now: nothing was pasted. */
  | { readonly outcome: 'gated'; readonly reason: 'busy' | 'needs-input' }
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
  /** The cursor is optional: without it, a runtime without composer patterns cannot be verified. */
  look(identity: string): Promise<{ liveness: Liveness; screen: string; cursor?: Cursor | undefined }>;
  leaveMode(identity: string, pane: PaneInfo): Promise<void>;
  sendKey(identity: string, key: string): Promise<void>;
  /** Loads text into the named paste buffer of the identity's server (replacing one of that name). */
  loadBuffer(identity: string, buffer: string, text: string): Promise<void>;
  /** Pastes the named buffer as one bracketed paste and deletes it; false if there is no such buffer. */
  pasteBuffer(identity: string, buffer: string): Promise<boolean>;
}

export interface DeliverMessage {
  readonly id: string;
  readonly text: string;
  /** A paste of it into this very session may have started (its `pastedAt` mark is set). */
  readonly pastedBefore?: boolean;
}

export interface DeliverOptions {
  /** Runs after the buffer is loaded and before each paste: the durable mark that a paste may have happened. */
  readonly beforePaste?: () => Promise<void>;
  /** Before pasting: 'go', or why not now (nothing is pasted). */
  readonly gate?: () => Promise<'go' | 'busy' | 'needs-input'>;
  /** After Enter: whether the runtime itself reported this message's id as a submitted prompt. */
  readonly reported?: (id: string) => Promise<boolean>;
}

/** How long someone's draft may take to clear before the message is left for later. */
const DRAFT_WAIT_MS = 3000;
/** How long a paste may take to show in the composer (or, for cursor verification, at the cursor). */
const LAND_WAIT_MS = 2000;
/** How long the composer may take to let go of the message after an Enter. */
const ENTER_WAIT_MS = 1500;
/** How long the runtime's report may lag behind what its screen shows. */
const REPORT_WAIT_MS = 3000;
/** How long an echo may take to stop changing before Enter (cursor verification). */
const QUIET_WAIT_MS = 1000;
/** Pastes tried while nothing arrives; a paste that shows on screen is never repeated. */
const PASTE_ATTEMPTS = 2;
const POLL_MS = 20;

/** The paste buffer of a message is named after it, so that a crash leaves a trace of an unfinished paste. */
export function bufferOf(id: string): string {
  return `iapeer-${id}`;
}

interface Look {
  readonly live: boolean;
  readonly screen: string;
  readonly cursor: Cursor | undefined;
}

/** Polls the screen until `done` holds or the time is up; returns the last look. */
async function watch(pane: DeliveryPane, identity: string, timeoutMs: number, done: (look: Look) => boolean | Promise<boolean>): Promise<Look> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { liveness, screen, cursor } = await pane.look(identity);
    const look = { live: liveness.state === 'live', screen, cursor };
    if (!look.live || (await done(look)) || Date.now() >= deadline) return look;
    await sleep(POLL_MS);
  }
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

/** The runtime's own report of the id, waited for a little; else what the screen said. */
async function confirmation<T extends Confirmation>(options: DeliverOptions, id: string, fallback: T): Promise<'hook' | T> {
  const reported = options.reported;
  if (reported === undefined) return fallback;
  const deadline = Date.now() + REPORT_WAIT_MS;
  for (;;) {
    if (await reported(id)) return 'hook';
    if (Date.now() >= deadline) return fallback;
    await sleep(POLL_MS * 5);
  }
}

/**
 * Delivers one message into the agent's pane: ask the gate, leave copy mode, make sure the
 * composer holds no one else's draft, paste the text as one bracketed paste, let it settle,
 * then Enter as a separate step, and verify the runtime took it, pressing Enter again a
 * bounded number of times. Callers serialise deliveries per identity.
 *
 * Verified by the runtime's report when it gives one (`reported`), else by its composer
 * patterns, judged where the composer is (from the cursor's line down), else by the line
 * holding the cursor: it must change with the paste and let go of the text after Enter. A
 * paste that shows nothing at all gets one Enter and is `unverified`, never `delivered`.
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
  // Before anything reaches the pane, Enter included: an Enter would answer a dialog.
  const gate = options.gate === undefined ? 'go' : await options.gate();
  if (gate !== 'go') return { outcome: 'gated', reason: gate };
  let look: Look = { live: true, screen: first.screen, cursor: first.cursor };
  if (first.liveness.pane.inMode) {
    // Copy mode draws over the pane: its screen is what the agent drew only after leaving it.
    await pane.leaveMode(identity, first.liveness.pane);
    look = await watch(pane, identity, 0, () => true);
    if (!look.live) return { outcome: 'not-live' };
  }
  if (verificationOf(knobs) === 'cursor') return deliverByCursor(pane, identity, message, knobs, options, look);
  const isEmpty = (seen: Look) => composerState(seen.screen, knobs, seen.cursor) !== 'holds-text';
  if (message.pastedBefore === true) {
    const where = whereShown(look.screen, message.id, knobs, look.cursor);
    if (where === 'history') return { outcome: 'delivered', enters: 0, busy: showsBusy(look.screen, knobs, look.cursor), confirmed: 'screen' };
    if (where === 'unsure') return { outcome: 'draft' };
    if (where === 'composer') {
      await sleep(knobs.settleMs);
      return submitByScreen(pane, identity, message.id, knobs, options);
    }
  }
  if (!isEmpty(look)) look = await watch(pane, identity, DRAFT_WAIT_MS, isEmpty);
  if (!look.live) return { outcome: 'not-live' };
  if (!isEmpty(look)) return { outcome: 'draft' };
  const landed = await pasteUntilLanded(pane, identity, message, knobs, options);
  if (landed !== 'landed') return { outcome: landed };
  await sleep(knobs.settleMs);
  return submitByScreen(pane, identity, message.id, knobs, options);
}

async function pasteUntilLanded(
  pane: DeliveryPane,
  identity: string,
  message: DeliverMessage,
  knobs: DeliveryKnobs,
  options: DeliverOptions,
): Promise<'landed' | 'not-landed' | 'pasted-unseen' | 'not-live'> {
  for (let attempt = 1; attempt <= PASTE_ATTEMPTS; attempt++) {
    // After an interruption, the buffer still there proves the paste never happened.
    const resume = attempt === 1 && message.pastedBefore === true;
    if (!(await pasteOnce(pane, identity, message, options, resume))) return 'pasted-unseen';
    const arrived = (seen: Look) => composerState(seen.screen, knobs, seen.cursor) === 'holds-text' || showsMessage(seen.screen, message.id);
    const look = await watch(pane, identity, LAND_WAIT_MS, arrived);
    if (!look.live) return 'not-live';
    if (arrived(look)) return 'landed';
  }
  return 'not-landed';
}

async function submitByScreen(pane: DeliveryPane, identity: string, id: string, knobs: DeliveryKnobs, options: DeliverOptions): Promise<DeliveryOutcome> {
  // Taken: the composer is empty, or its text is not this message, which the history shows.
  const taken = (seen: Look) => composerState(seen.screen, knobs, seen.cursor) === 'empty' || whereShown(seen.screen, id, knobs, seen.cursor) === 'history';
  for (let enters = 1; enters <= 1 + knobs.enterRetries; enters++) {
    await pane.sendKey(identity, 'Enter');
    const look = await watch(pane, identity, ENTER_WAIT_MS, async (seen) => taken(seen) || ((await options.reported?.(id)) ?? false));
    // An agent that exits on the message has taken it: it left the composer.
    if (!look.live) return { outcome: 'delivered', enters, busy: false, confirmed: 'screen' };
    if (taken(look) || (await options.reported?.(id)) === true) {
      return { outcome: 'delivered', enters, busy: showsBusy(look.screen, knobs, look.cursor), confirmed: await confirmation(options, id, 'screen') };
    }
  }
  return { outcome: 'unsubmitted' };
}

/** A runtime without composer patterns: the line holding the cursor tells what the screen can. */
async function deliverByCursor(
  pane: DeliveryPane,
  identity: string,
  message: DeliverMessage,
  knobs: DeliveryKnobs,
  options: DeliverOptions,
  look: Look,
): Promise<DeliveryOutcome> {
  if (message.pastedBefore === true) {
    const where = whereShownByCursor(look.screen, message.id, knobs, look.cursor);
    if (where === 'history') return { outcome: 'delivered', enters: 0, busy: false, confirmed: 'cursor' };
    if (where === 'composer') return submitByCursor(pane, identity, message.id, knobs, options);
  }
  const before = cursorView(look.screen, look.cursor);
  if (!(await pasteOnce(pane, identity, message, options, message.pastedBefore === true))) return { outcome: 'pasted-unseen' };
  const echoed = (seen: Look) => cursorMoved(before, cursorView(seen.screen, seen.cursor));
  const landed = await watch(pane, identity, LAND_WAIT_MS, echoed);
  if (!landed.live) return { outcome: 'not-live' };
  // Nothing changed where the cursor is: whether the paste arrived cannot be told, so it is never pasted again.
  if (!echoed(landed)) return submitUnseen(pane, identity, message.id, knobs, options);
  await sleep(knobs.settleMs);
  return submitByCursor(pane, identity, message.id, knobs, options);
}

/** Waits for an echo to stop changing, so that what the cursor's line holds is the whole paste. */
async function quietLook(pane: DeliveryPane, identity: string): Promise<Look> {
  let last = await watch(pane, identity, 0, () => true);
  const deadline = Date.now() + QUIET_WAIT_MS;
  while (last.live && Date.now() < deadline) {
    await sleep(POLL_MS * 2);
    const next = await watch(pane, identity, 0, () => true);
    if (!cursorMoved(cursorView(last.screen, last.cursor), cursorView(next.screen, next.cursor))) return next;
    last = next;
  }
  return last;
}

async function submitByCursor(pane: DeliveryPane, identity: string, id: string, knobs: DeliveryKnobs, options: DeliverOptions): Promise<DeliveryOutcome> {
  const held = await quietLook(pane, identity);
  if (!held.live) return { outcome: 'not-live' };
  const heldView = cursorView(held.screen, held.cursor);
  const letGo = (seen: Look) => cursorMoved(heldView, cursorView(seen.screen, seen.cursor));
  for (let enters = 1; enters <= 1 + knobs.enterRetries; enters++) {
    await pane.sendKey(identity, 'Enter');
    const look = await watch(pane, identity, ENTER_WAIT_MS, async (seen) => letGo(seen) || ((await options.reported?.(id)) ?? false));
    if (!look.live) return { outcome: 'delivered', enters, busy: false, confirmed: 'cursor' };
    if (letGo(look) || (await options.reported?.(id)) === true) {
      return { outcome: 'delivered', enters, busy: showsBusy(look.screen, knobs, look.cursor), confirmed: await confirmation(options, id, 'cursor') };
    }
  }
  return { outcome: 'unsubmitted' };
}

/** One Enter for a paste nothing showed; only the runtime's own report can confirm it. */
async function submitUnseen(pane: DeliveryPane, identity: string, id: string, knobs: DeliveryKnobs, options: DeliverOptions): Promise<DeliveryOutcome> {
  await sleep(knobs.settleMs);
  await pane.sendKey(identity, 'Enter');
  const confirmed = await confirmation(options, id, 'none');
  return confirmed === 'hook' ? { outcome: 'delivered', enters: 1, busy: false, confirmed } : { outcome: 'unverified', enters: 1 };
}
