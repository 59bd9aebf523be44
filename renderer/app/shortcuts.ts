// Keyboard shortcuts for the call: A accepts, D declines, H hangs up. They never fire while the
// agent types into a field (a caller's name may well contain an "a").
import { useContext, useEffect } from 'react';
import type { CallState } from '../softphone/call-state.js';
import { DeskStoreContext } from '../stores/desk-store.js';
import type { DeskController } from './controller.js';

export type CallShortcut = 'accept' | 'decline' | 'hangup';

export const SHORTCUT_KEYS: Record<CallShortcut, string> = { accept: 'A', decline: 'D', hangup: 'H' };

export function shortcutFor(key: string, callState: CallState): CallShortcut | null {
  const letter = key.toUpperCase();
  if (callState === 'ringing' && letter === SHORTCUT_KEYS.accept) return 'accept';
  if (callState === 'ringing' && letter === SHORTCUT_KEYS.decline) return 'decline';
  if ((callState === 'in_call' || callState === 'connecting' || callState === 'reconnecting') && letter === SHORTCUT_KEYS.hangup) {
    return 'hangup';
  }
  return null;
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
      const shortcut = shortcutFor(event.key, store.getState().callState);
      if (!shortcut) return;
      event.preventDefault();
      if (shortcut === 'accept') controller.accept();
      if (shortcut === 'decline') controller.decline();
      if (shortcut === 'hangup') controller.hangUp();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [controller, store]);
}
