import type { Key } from './top-keys.js';

/** What `top` shows besides the fleet: the list, a line being typed, the help, or one identity's log. */
export type Mode =
  | { readonly kind: 'list' }
  | { readonly kind: 'compose'; readonly identity: string; readonly text: string }
  | { readonly kind: 'filter'; readonly text: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'log'; readonly identity: string };

export interface TopState {
  /** The identity the keys act on; kept across refreshes while it is shown. */
  readonly selected: string | undefined;
  /** Rows are shown when their text holds this (case-insensitive); empty shows all. */
  readonly filter: string;
  readonly mode: Mode;
  /** The last action's outcome, or what a key needs; until the next key. */
  readonly status: string | undefined;
}

/** What a key asks `top` to do beyond its own state. */
export type Effect =
  | { readonly kind: 'quit' }
  | { readonly kind: 'attach' | 'stop' | 'start' | 'interrupt' | 'editor'; readonly identity: string }
  | { readonly kind: 'send'; readonly identity: string; readonly text: string };

export const INITIAL: TopState = { selected: undefined, filter: '', mode: { kind: 'list' }, status: undefined };

/** The rows a key moves among: the identities shown, in order, and how many fit on a page. */
export interface Shown {
  readonly identities: readonly string[];
  readonly page: number;
}

/** The identity selected among those shown: the one kept, else the first. */
export function selectedOf(state: TopState, shown: readonly string[]): string | undefined {
  return state.selected !== undefined && shown.includes(state.selected) ? state.selected : shown[0];
}

/** Moves the selection by `delta` rows, stopping at either end. */
function moved(state: TopState, shown: Shown, delta: number): TopState {
  const current = selectedOf(state, shown.identities);
  const index = current === undefined ? 0 : shown.identities.indexOf(current);
  const next = Math.max(0, Math.min(shown.identities.length - 1, index + delta));
  return { ...state, selected: shown.identities[next], status: undefined };
}

const ACTION_KEYS: Readonly<Record<string, Exclude<Effect['kind'], 'quit' | 'send'>>> = {
  a: 'attach',
  s: 'stop',
  r: 'start',
  i: 'interrupt',
  e: 'editor',
};

/** A line being typed: characters add, backspace and ctrl-u take away. */
function edited(text: string, key: Key): string | undefined {
  if (key.name === 'char') return text + key.char;
  if (key.name === 'backspace') return [...text].slice(0, -1).join('');
  if (key.name === 'ctrl-u') return '';
  return undefined;
}

type Step = { readonly state: TopState; readonly effect?: Effect };

function onList(state: TopState, key: Key, shown: Shown): Step {
  const current = selectedOf(state, shown.identities);
  const nothing = { state: { ...state, status: 'no peer is selected' } };
  if (key.name === 'ctrl-c' || (key.name === 'char' && key.char === 'q')) return { state, effect: { kind: 'quit' } };
  if (key.name === 'up' || (key.name === 'char' && key.char === 'k')) return { state: moved(state, shown, -1) };
  if (key.name === 'down' || (key.name === 'char' && key.char === 'j')) return { state: moved(state, shown, 1) };
  if (key.name === 'page-up') return { state: moved(state, shown, -shown.page) };
  if (key.name === 'page-down') return { state: moved(state, shown, shown.page) };
  if (key.name === 'home' || (key.name === 'char' && key.char === 'g')) return { state: moved(state, shown, -shown.identities.length) };
  if (key.name === 'end' || (key.name === 'char' && key.char === 'G')) return { state: moved(state, shown, shown.identities.length) };
  if (key.name === 'escape') return { state: { ...state, filter: '', status: undefined } };
  if (key.name === 'enter') return current === undefined ? nothing : { state: { ...state, status: undefined }, effect: { kind: 'attach', identity: current } };
  if (key.name !== 'char') return { state };
  if (key.char === '?') return { state: { ...state, mode: { kind: 'help' }, status: undefined } };
  if (key.char === '/') return { state: { ...state, mode: { kind: 'filter', text: state.filter }, status: undefined } };
  const action = ACTION_KEYS[key.char];
  if (key.char !== 'm' && key.char !== 'l' && action === undefined) return { state };
  if (current === undefined) return nothing;
  const selected = { ...state, selected: current, status: undefined };
  if (key.char === 'm') return { state: { ...selected, mode: { kind: 'compose', identity: current, text: '' } } };
  if (key.char === 'l') return { state: { ...selected, mode: { kind: 'log', identity: current } } };
  return { state: selected, effect: { kind: action ?? 'attach', identity: current } };
}

/**
 * What a key does: the next state, and what `top` must do for it (attach, stop, send, …).
 * Pure: the caller owns the terminal and the fleet.
 */
export function reduce(state: TopState, key: Key, shown: Shown): Step {
  const { mode } = state;
  switch (mode.kind) {
    case 'list':
      return onList(state, key, shown);
    case 'help':
      return key.name === 'ctrl-c' ? { state, effect: { kind: 'quit' } } : { state: { ...state, mode: { kind: 'list' } } };
    case 'log':
      if (key.name === 'ctrl-c') return { state, effect: { kind: 'quit' } };
      if (key.name === 'escape' || key.name === 'enter' || (key.name === 'char' && (key.char === 'q' || key.char === 'l'))) {
        return { state: { ...state, mode: { kind: 'list' } } };
      }
      return { state };
    case 'filter': {
      if (key.name === 'ctrl-c') return { state, effect: { kind: 'quit' } };
      if (key.name === 'escape') return { state: { ...state, mode: { kind: 'list' }, filter: '' } };
      if (key.name === 'enter') return { state: { ...state, mode: { kind: 'list' }, filter: mode.text } };
      const text = edited(mode.text, key);
      // The rows follow the filter as it is typed.
      return text === undefined ? { state } : { state: { ...state, mode: { kind: 'filter', text }, filter: text } };
    }
    case 'compose': {
      if (key.name === 'ctrl-c') return { state, effect: { kind: 'quit' } };
      if (key.name === 'escape') return { state: { ...state, mode: { kind: 'list' }, status: 'message not sent' } };
      if (key.name === 'enter') {
        const list = { ...state, mode: { kind: 'list' } as const };
        return mode.text.trim() === ''
          ? { state: { ...list, status: 'message not sent: it was empty' } }
          : { state: list, effect: { kind: 'send', identity: mode.identity, text: mode.text } };
      }
      const text = edited(mode.text, key);
      return text === undefined ? { state } : { state: { ...state, mode: { ...mode, text } } };
    }
  }
}

/** Whether a row's text passes the filter. */
export function passes(filter: string, words: readonly string[]): boolean {
  if (filter === '') return true;
  const wanted = filter.toLowerCase();
  return words.some((word) => word.toLowerCase().includes(wanted));
}
