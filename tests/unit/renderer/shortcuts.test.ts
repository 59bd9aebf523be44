// Every call control has a key, and each key does something only where it makes sense: the keypad
// takes digits, the transfer drawer, wrap-up and the away picker take 1-9 from their lists.
import { describe, expect, it } from 'vitest';
import { SHORTCUT_KEYS, shortcutContext, shortcutFor, withShortcut, type ShortcutContext } from '../../../renderer/app/shortcuts.js';
import { transferChoices } from '../../../renderer/call/call-controls-view.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { agent, answeredCallState, incomingCall, transferTargets } from './fixtures.js';

const base: ShortcutContext = {
  callState: 'idle',
  ringtone: 'quiet',
  drawer: 'none',
  onHold: false,
  transferInProgress: false,
  targetCount: 0,
  transferChosen: false,
  wrapUpOpen: false,
  agentState: 'available',
};
const ringing: ShortcutContext = { ...base, callState: 'ringing', ringtone: 'ringing' };
const inCall: ShortcutContext = { ...base, callState: 'in_call', agentState: 'on_call' };

describe('shortcutFor', () => {
  it('answers, declines and silences only while ringing', () => {
    expect(shortcutFor('a', ringing)).toEqual({ kind: 'accept' });
    expect(shortcutFor('D', ringing)).toEqual({ kind: 'decline' });
    expect(shortcutFor('s', ringing)).toEqual({ kind: 'silence' });
    expect(shortcutFor('s', { ...ringing, ringtone: 'silenced' })).toBeNull();
    expect(shortcutFor('h', ringing)).toBeNull();
    expect(shortcutFor('a', inCall)).toBeNull();
    expect(shortcutFor('d', base)).toBeNull();
  });

  it('gives the live call hang up, mute, hold, keypad and transfer', () => {
    expect(shortcutFor('h', inCall)).toEqual({ kind: 'hangup' });
    expect(shortcutFor('m', inCall)).toEqual({ kind: 'mute' });
    expect(shortcutFor('p', inCall)).toEqual({ kind: 'hold' });
    expect(shortcutFor('k', inCall)).toEqual({ kind: 'keypad' });
    expect(shortcutFor('t', inCall)).toEqual({ kind: 'transfer' });
    // While connecting only hang-up makes sense: there is no media to mute or hold yet.
    const connecting = { ...inCall, callState: 'connecting' as const };
    expect(shortcutFor('h', connecting)).toEqual({ kind: 'hangup' });
    expect(shortcutFor('m', connecting)).toBeNull();
    expect(shortcutFor('p', connecting)).toBeNull();
  });

  it('sends digits only with the keypad open', () => {
    expect(shortcutFor('5', inCall)).toBeNull();
    const keypad = { ...inCall, drawer: 'keypad' as const };
    expect(shortcutFor('5', keypad)).toEqual({ kind: 'digit', digit: '5' });
    expect(shortcutFor('#', keypad)).toEqual({ kind: 'digit', digit: '#' });
    expect(shortcutFor('*', keypad)).toEqual({ kind: 'digit', digit: '*' });
    expect(shortcutFor('m', keypad)).toEqual({ kind: 'mute' });
  });

  it('picks a transfer target by number, then warm (W) or cold (B)', () => {
    const drawer = { ...inCall, drawer: 'transfer' as const, targetCount: 4 };
    expect(shortcutFor('1', drawer)).toEqual({ kind: 'pickTarget', index: 0 });
    expect(shortcutFor('4', drawer)).toEqual({ kind: 'pickTarget', index: 3 });
    expect(shortcutFor('5', drawer)).toBeNull();
    expect(shortcutFor('w', drawer)).toBeNull();
    expect(shortcutFor('w', { ...drawer, transferChosen: true })).toEqual({ kind: 'warmTransfer' });
    expect(shortcutFor('b', { ...drawer, transferChosen: true })).toEqual({ kind: 'coldTransfer' });
    expect(shortcutFor('Escape', drawer)).toEqual({ kind: 'closeDrawer' });
    expect(shortcutFor('Escape', inCall)).toBeNull();
  });

  it('completes or cancels a transfer in progress, and holds no more meanwhile', () => {
    const consulting = { ...inCall, transferInProgress: true };
    expect(shortcutFor('c', consulting)).toEqual({ kind: 'completeTransfer' });
    expect(shortcutFor('x', consulting)).toEqual({ kind: 'cancelTransfer' });
    expect(shortcutFor('p', consulting)).toBeNull();
    expect(shortcutFor('t', consulting)).toBeNull();
    expect(shortcutFor('c', inCall)).toBeNull();
  });

  it('picks a disposition by number and submits wrap-up with W between calls', () => {
    const wrapUp = { ...base, wrapUpOpen: true, agentState: 'wrap_up' as const };
    expect(shortcutFor('1', wrapUp)).toEqual({ kind: 'pickDisposition', index: 0 });
    expect(shortcutFor('9', wrapUp)).toEqual({ kind: 'pickDisposition', index: 8 });
    expect(shortcutFor('w', wrapUp)).toEqual({ kind: 'submitWrapUp' });
    expect(shortcutFor('w', base)).toBeNull();
    expect(shortcutFor('r', wrapUp)).toEqual({ kind: 'available' });
  });

  it('opens the away picker with Y and picks a reason by number; R makes the agent available', () => {
    expect(shortcutFor('y', base)).toEqual({ kind: 'away' });
    const picker = { ...base, drawer: 'away' as const };
    expect(shortcutFor('2', picker, 7)).toEqual({ kind: 'pickAwayReason', index: 1 });
    expect(shortcutFor('8', picker, 7)).toBeNull();
    expect(shortcutFor('r', base)).toBeNull();
    expect(shortcutFor('r', { ...base, agentState: 'away' })).toEqual({ kind: 'available' });
    expect(shortcutFor('y', inCall)).toBeNull();
  });

  it('has a distinct key for every control that can be pressed at the same time', () => {
    const live = ['hangup', 'mute', 'hold', 'keypad', 'transfer', 'completeTransfer', 'cancelTransfer', 'warmTransfer', 'coldTransfer'] as const;
    const keys = live.map((action) => SHORTCUT_KEYS[action]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(withShortcut('Hold', 'hold')).toBe('Hold (P)');
    expect(withShortcut('Close', 'closeDrawer')).toBe('Close (Esc)');
  });
});

describe('shortcutContext', () => {
  it('reads the store: transfer targets in the drawer order, a transfer in progress, wrap-up', () => {
    const store = createDeskStore();
    const state = () => store.getState();
    state().agentChanged({ ...agent, state: 'on_call' });
    state().softphoneStateChanged({ from: 'idle', to: 'ringing', cause: 'invite', call: incomingCall, at: 1 });
    state().callControlChanged(answeredCallState);
    state().transferTargetsLoaded(transferTargets);
    expect(shortcutContext(state())).toMatchObject({ callState: 'ringing', targetCount: transferChoices(transferTargets).length, transferInProgress: false });
    state().callControlChanged({
      ...answeredCallState,
      timeline: [...answeredCallState.timeline, { at: '2025-06-01T12:03:00Z', kind: 'transfer_started', agentId: 'demo-calltaker', detail: null }],
      transfer: { mode: 'warm', target: { kind: 'department', code: 'streets' }, targetName: 'Streets Department', status: 'consulting', startedAt: '2025-06-01T12:03:00Z', failure: null },
    });
    expect(shortcutContext(state()).transferInProgress).toBe(true);
    state().wrapUpStarted({ callId: incomingCall.callId, from: incomingCall.from, disposition: null, caseId: null });
    expect(shortcutContext(state()).wrapUpOpen).toBe(true);
  });
});
