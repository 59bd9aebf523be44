// The call panel's view-models and small modules, without a DOM: which buttons a live call shows,
// the timeline in words, wrap-up suggestions, the ringtone, notifications, and the page's
// unload guard and resume detection.
import { describe, expect, it, vi } from 'vitest';
import type { CallControlState } from '../../../shared/call-control.js';
import { createNotifier, type BrowserNotificationApi } from '../../../renderer/app/notify.js';
import { blockUnloadWhileLive, watchResume, type ResumeReason } from '../../../renderer/app/page-lifecycle.js';
import {
  liveCallButtons, stateReasonText, suggestedDisposition, timelineRows, transferChoices, type ControlsInput,
} from '../../../renderer/call/call-controls-view.js';
import { Ringtone } from '../../../renderer/call/ringtone.js';
import { isNewerCallState } from '../../../renderer/stores/call-control-slice.js';
import { answeredCallState, transferTargets } from './fixtures.js';

const consulting: CallControlState = {
  ...answeredCallState,
  onHold: true,
  transfer: { mode: 'warm', target: { kind: 'department', code: 'streets' }, targetName: 'Streets Department', status: 'consulting', startedAt: '2025-06-01T12:03:00Z', failure: null },
};
const live: ControlsInput = { callState: 'in_call', muted: false, callControl: answeredCallState, pending: null, drawer: 'none' };
const byId = (input: ControlsInput) => Object.fromEntries(liveCallButtons(input).map((button) => [button.id, button]));

describe('liveCallButtons', () => {
  it('offers mute, hold, keypad, transfer and hang up on a live call, each titled with its key', () => {
    const buttons = liveCallButtons(live);
    expect(buttons.map((button) => button.id)).toEqual(['mute', 'hold', 'keypad', 'transfer', 'hangup']);
    expect(buttons.every((button) => button.enabled)).toBe(true);
    expect(buttons.map((button) => button.title)).toEqual([
      'Mute your microphone (M)', 'Put the caller on hold (P)', 'Dial tones (DTMF) (K)', 'Transfer to a department, an agent or 911 (T)', 'End the call (H)',
    ]);
  });

  it('follows mute and hold: labels and pressed state', () => {
    const buttons = byId({ ...live, muted: true, callControl: { ...answeredCallState, onHold: true } });
    expect(buttons.mute).toMatchObject({ label: 'Unmute', pressed: true });
    expect(buttons.hold).toMatchObject({ label: 'Resume', pressed: true });
  });

  it('waits for the server view before hold and transfer, and for a reply before another request', () => {
    expect(byId({ ...live, callControl: null })).toMatchObject({ hold: { enabled: false }, transfer: { enabled: false }, mute: { enabled: true } });
    expect(byId({ ...live, pending: 'hold' })).toMatchObject({ hold: { enabled: false }, transfer: { enabled: false }, hangup: { enabled: true } });
    expect(byId({ ...live, callState: 'connecting' })).toMatchObject({ mute: { enabled: false }, hangup: { enabled: true } });
  });

  it('swaps transfer for complete and cancel while a warm transfer is under way', () => {
    const buttons = byId({ ...live, callControl: consulting });
    expect(Object.keys(buttons)).toEqual(['mute', 'hold', 'keypad', 'completeTransfer', 'cancelTransfer', 'hangup']);
    expect(buttons.completeTransfer).toMatchObject({ enabled: true, title: 'Connect the caller to Streets Department and leave (C)' });
    expect(buttons.hold?.enabled).toBe(false);
    const dialing = byId({ ...live, callControl: { ...consulting, transfer: { ...consulting.transfer!, status: 'dialing' } } });
    expect(dialing.completeTransfer?.enabled).toBe(false);
    expect(dialing.cancelTransfer?.enabled).toBe(true);
  });
});

describe('transfer targets, timeline, wrap-up, agent reasons', () => {
  it('lists 911 first, then departments, then agents', () => {
    expect(transferChoices(transferTargets).map((choice) => choice.name)).toEqual(['911 center', 'Streets Department', 'Water Department', 'Sam Okafor']);
  });

  it('words the timeline the server recorded, in order', () => {
    const rows = timelineRows([
      ...answeredCallState.timeline,
      { at: '2025-06-01T12:03:00Z', kind: 'hold', agentId: null, detail: null },
      { at: '2025-06-01T12:03:10Z', kind: 'transfer_completed', agentId: null, detail: 'to Streets Department' },
      { at: '2025-06-01T12:04:00Z', kind: 'ended', agentId: null, detail: null },
    ]);
    expect(rows.map((row) => row.label)).toEqual(['Call received', 'Ringing', 'Answered', 'On hold', 'Transferred', 'Ended']);
    expect(rows[4]?.detail).toBe('to Streets Department');
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
  });

  it('suggests a disposition from what happened on the call', () => {
    expect(suggestedDisposition(null, null)).toBeNull();
    expect(suggestedDisposition(answeredCallState, '0190a8f2-7b1c-7c3e-8f00-000000000001')).toBe('case_created');
    expect(suggestedDisposition({ ...consulting, transfer: { ...consulting.transfer!, status: 'completed' } }, null)).toBe('transferred');
    expect(suggestedDisposition({ ...consulting, transfer: { ...consulting.transfer!, status: 'completed', target: { kind: 'emergency_911' } } }, null)).toBe('returned_to_911');
    expect(suggestedDisposition({ ...consulting, transfer: { ...consulting.transfer!, status: 'cancelled' } }, null)).toBeNull();
  });

  it('words an away reason, and shows what the server wrote as is', () => {
    expect(stateReasonText('technical_problem')).toBe('Technical problem');
    expect(stateReasonText('missed 2 calls')).toBe('missed 2 calls');
    expect(stateReasonText(null)).toBeNull();
  });

  it('keeps the newer of two call states that crossed', () => {
    const longer = { ...answeredCallState, timeline: [...answeredCallState.timeline, { at: '2025-06-01T12:03:00Z', kind: 'hold' as const, agentId: null, detail: null }] };
    expect(isNewerCallState(longer, answeredCallState, answeredCallState.callId)).toBe(false);
    expect(isNewerCallState(answeredCallState, longer, answeredCallState.callId)).toBe(true);
    expect(isNewerCallState(null, answeredCallState, answeredCallState.callId)).toBe(true);
    expect(isNewerCallState(null, answeredCallState, null)).toBe(false);
  });
});

describe('Ringtone', () => {
  it('plays once per ringing call, silences without ending, and stops', () => {
    const player = { start: vi.fn(), stop: vi.fn() };
    const states: string[] = [];
    const ringtone = new Ringtone(player, (state) => states.push(state));
    ringtone.ring('CA1');
    ringtone.ring('CA1');
    expect(player.start).toHaveBeenCalledTimes(1);
    expect(ringtone.silence()).toBe(true);
    expect(ringtone.silence()).toBe(false);
    expect(player.stop).toHaveBeenCalledTimes(1);
    ringtone.stop();
    // Stopping a silenced ringtone makes no second sound change.
    expect(player.stop).toHaveBeenCalledTimes(1);
    ringtone.ring('CA2');
    ringtone.stop();
    expect(player.stop).toHaveBeenCalledTimes(2);
    expect(states).toEqual(['ringing', 'silenced', 'quiet', 'ringing', 'quiet']);
  });
});

describe('createNotifier', () => {
  it('uses the desktop shell when there is one', () => {
    const shell = { notify: vi.fn(), onResumed: vi.fn() };
    createNotifier(shell, undefined).notify({ title: 'Missed call', body: 'x' });
    expect(shell.notify).toHaveBeenCalledWith({ title: 'Missed call', body: 'x' });
  });

  it("uses the browser's Notification in web mode, asking permission once it is needed", async () => {
    const shown: Array<[string, NotificationOptions | undefined]> = [];
    let permission: NotificationPermission = 'default';
    const requestPermission = vi.fn(async () => (permission = 'granted'));
    const Browser = class {
      static get permission() {
        return permission;
      }
      static requestPermission = requestPermission;
      constructor(title: string, options?: NotificationOptions) {
        shown.push([title, options]);
      }
    } as unknown as BrowserNotificationApi;
    const notifier = createNotifier(undefined, Browser);
    notifier.notify({ title: 'Incoming call', body: '+1 215 555 0142' });
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    notifier.notify({ title: 'Missed call', body: 'y' });
    expect(requestPermission).toHaveBeenCalledTimes(1);
    expect(shown.map(([title, options]) => [title, options?.body])).toEqual([['Incoming call', '+1 215 555 0142'], ['Missed call', 'y']]);
    permission = 'denied';
    notifier.notify({ title: 'Missed call', body: 'z' });
    expect(shown).toHaveLength(2);
  });
});

class FakeTarget extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
}

describe('page lifecycle', () => {
  it('blocks unloading only while a call is live', () => {
    const target = new FakeTarget();
    let live = false;
    const remove = blockUnloadWhileLive(target, () => live);
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      // A browser's BeforeUnloadEvent has a writable returnValue; Node's plain Event does not.
      Object.defineProperty(event, 'returnValue', { writable: true, value: undefined });
      target.dispatchEvent(event);
      return event.defaultPrevented && (event as unknown as { returnValue: unknown }).returnValue === '';
    };
    expect(unload()).toBe(false);
    live = true;
    expect(unload()).toBe(true);
    remove();
    expect(unload()).toBe(false);
  });

  it('re-registers on a system resume, the network coming back, a long absence, or a clock jump', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const reasons: ResumeReason[] = [];
      const doc = new FakeTarget();
      const win = new FakeTarget();
      let resumed: () => void = () => undefined;
      const shell = { onResumed: (listener: () => void) => ((resumed = listener), () => undefined) };
      const stop = watchResume({ shell, window: win, document: doc }, (reason) => reasons.push(reason), { now: () => now, quietMs: 1_000 });
      resumed();
      now += 100;
      // The same wake also brings the network back: folded into one.
      win.dispatchEvent(new Event('online'));
      now += 5_000;
      win.dispatchEvent(new Event('online'));
      // A glance at another tab changes nothing; an hour away does.
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
      now += 10_000;
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
      now += 3_600_000;
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
      // Web mode's sleep detector: the next tick arrives far too late.
      now += 120_000;
      vi.advanceTimersByTime(5_000);
      expect(reasons).toEqual(['system resumed', 'network back', 'page visible again', 'system resumed']);
      stop();
      win.dispatchEvent(new Event('online'));
      expect(reasons).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
