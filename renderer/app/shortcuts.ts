// Keyboard shortcuts for every call control. `shortcutFor` is pure: which key does what depends
// only on the call and what is open (the keypad takes digits; the transfer drawer, the wrap-up
// form and the away picker take 1-9 to pick from their lists). They never fire while the agent
// types into a field (a caller's name may well contain an "a"). Ctrl+L (Cmd+L) locks the desk,
// from anywhere, fields included.
import { useContext, useEffect } from 'react';
import type { AgentState } from '../../shared/domain/agent.js';
import type { RingtoneState } from '../call/ringtone.js';
import type { CallState } from '../softphone/call-state.js';
import type { CallDrawer } from '../stores/call-control-slice.js';
import { DeskStoreContext, type DeskState } from '../stores/desk-store.js';
import type { DeskController } from './controller.js';

export type ShortcutAction =
  | { kind: 'accept' }
  | { kind: 'decline' }
  | { kind: 'silence' }
  | { kind: 'hangup' }
  | { kind: 'mute' }
  | { kind: 'hold' }
  | { kind: 'keypad' }
  | { kind: 'digit'; digit: string }
  | { kind: 'transfer' }
  | { kind: 'pickTarget'; index: number }
  | { kind: 'warmTransfer' }
  | { kind: 'coldTransfer' }
  | { kind: 'completeTransfer' }
  | { kind: 'cancelTransfer' }
  | { kind: 'pickDisposition'; index: number }
  | { kind: 'submitWrapUp' }
  | { kind: 'away' }
  | { kind: 'pickAwayReason'; index: number }
  | { kind: 'available' }
  | { kind: 'closeDrawer' };

type KeyedAction = Exclude<ShortcutAction['kind'], 'digit' | 'pickTarget' | 'pickDisposition' | 'pickAwayReason'>;

/** The key of each control, shown on its button and in its title. */
export const SHORTCUT_KEYS = {
  accept: 'A',
  decline: 'D',
  silence: 'S',
  hangup: 'H',
  mute: 'M',
  hold: 'P',
  keypad: 'K',
  transfer: 'T',
  warmTransfer: 'W',
  coldTransfer: 'B',
  completeTransfer: 'C',
  cancelTransfer: 'X',
  submitWrapUp: 'W',
  away: 'Y',
  available: 'R',
  closeDrawer: 'Escape',
} as const satisfies Record<KeyedAction, string>;

/** "Hold (P)", for a button's title. */
export function withShortcut(label: string, action: KeyedAction): string {
  return `${label} (${SHORTCUT_KEYS[action] === 'Escape' ? 'Esc' : SHORTCUT_KEYS[action]})`;
}

export type ShortcutContext = {
  callState: CallState;
  ringtone: RingtoneState;
  drawer: CallDrawer;
  onHold: boolean;
  /** A warm transfer is dialing or consulting: complete or cancel it. */
  transferInProgress: boolean;
  targetCount: number;
  transferChosen: boolean;
  wrapUpOpen: boolean;
  agentState: AgentState | null;
};

const LIVE: readonly CallState[] = ['in_call', 'reconnecting'];
const KEYPAD_DIGITS = /^[0-9*#]$/;

function pickIndex(key: string, count: number): number | null {
  if (!/^[1-9]$/.test(key)) return null;
  const index = Number(key) - 1;
  return index < count ? index : null;
}

export function shortcutFor(key: string, context: ShortcutContext, awayReasonCount = 0): ShortcutAction | null {
  if (key === 'Escape') return context.drawer === 'none' ? null : { kind: 'closeDrawer' };
  const letter = key.length === 1 ? key.toUpperCase() : key;
  const { callState } = context;
  const live = LIVE.includes(callState);

  if (callState === 'ringing') {
    if (letter === SHORTCUT_KEYS.accept) return { kind: 'accept' };
    if (letter === SHORTCUT_KEYS.decline) return { kind: 'decline' };
    if (letter === SHORTCUT_KEYS.silence && context.ringtone === 'ringing') return { kind: 'silence' };
    return null;
  }

  if (live || callState === 'connecting') {
    if (context.drawer === 'keypad' && live && KEYPAD_DIGITS.test(key)) return { kind: 'digit', digit: key };
    if (context.drawer === 'transfer' && !context.transferInProgress) {
      const index = pickIndex(key, context.targetCount);
      if (index !== null) return { kind: 'pickTarget', index };
      if (context.transferChosen && letter === SHORTCUT_KEYS.warmTransfer) return { kind: 'warmTransfer' };
      if (context.transferChosen && letter === SHORTCUT_KEYS.coldTransfer) return { kind: 'coldTransfer' };
    }
    if (letter === SHORTCUT_KEYS.hangup) return { kind: 'hangup' };
    if (!live) return null;
    if (context.transferInProgress) {
      if (letter === SHORTCUT_KEYS.completeTransfer) return { kind: 'completeTransfer' };
      if (letter === SHORTCUT_KEYS.cancelTransfer) return { kind: 'cancelTransfer' };
    }
    if (letter === SHORTCUT_KEYS.mute) return { kind: 'mute' };
    if (letter === SHORTCUT_KEYS.hold && !context.transferInProgress) return { kind: 'hold' };
    if (letter === SHORTCUT_KEYS.keypad) return { kind: 'keypad' };
    if (letter === SHORTCUT_KEYS.transfer && !context.transferInProgress) return { kind: 'transfer' };
    return null;
  }

  // Between calls: the away picker, wrap-up, and availability.
  if (context.drawer === 'away') {
    const index = pickIndex(key, awayReasonCount);
    if (index !== null) return { kind: 'pickAwayReason', index };
  }
  if (context.wrapUpOpen) {
    const index = pickIndex(key, 9);
    if (index !== null) return { kind: 'pickDisposition', index };
    if (letter === SHORTCUT_KEYS.submitWrapUp) return { kind: 'submitWrapUp' };
  }
  if (letter === SHORTCUT_KEYS.away && context.agentState !== 'on_call') return { kind: 'away' };
  if (letter === SHORTCUT_KEYS.available && (context.agentState === 'away' || context.agentState === 'wrap_up')) return { kind: 'available' };
  return null;
}

/** The shortcut context from the store. */
export function shortcutContext(state: DeskState): ShortcutContext {
  const transfer = state.callControl?.transfer ?? null;
  return {
    callState: state.callState,
    ringtone: state.ringtone,
    drawer: state.drawer,
    onHold: state.callControl?.onHold ?? false,
    transferInProgress: transfer !== null && (transfer.status === 'dialing' || transfer.status === 'consulting'),
    targetCount: state.transferTargets.status === 'ready' ? transferTargetCount(state.transferTargets.targets) : 0,
    transferChosen: state.transferChoice !== null,
    wrapUpOpen: state.wrapUp !== null,
    agentState: state.agent?.state ?? null,
  };
}

function transferTargetCount(targets: { departments: unknown[]; agents: unknown[] }): number {
  return 1 + targets.departments.length + targets.agents.length;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useCallShortcuts(controller: DeskController): void {
  const store = useContext(DeskStoreContext);
  useEffect(() => {
    if (!store) return undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const action = shortcutFor(event.key, shortcutContext(store.getState()), controller.awayReasons.length);
      if (!action) return;
      event.preventDefault();
      controller.perform(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [controller, store]);
}

/** Ctrl+L or Cmd+L: lock the desk now. */
export function isLockShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'l';
}

export function useLockShortcut(controller: DeskController): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isLockShortcut(event)) return;
      // The browser's own Ctrl+L (the address bar) would take the focus away from the desk.
      event.preventDefault();
      controller.lock();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [controller]);
}
