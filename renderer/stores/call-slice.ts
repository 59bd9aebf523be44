// The call on screen: mirrors the softphone's state changes, holds the screen pop for the ringing
// call, and keeps a summary of the last call once it is over.
import type { StateCreator } from 'zustand/vanilla';
import type { ScreenPop } from '../../shared/desk-api.js';
import type { IncomingCall } from '../../shared/domain/call.js';
import type { DeskError } from '../../shared/errors.js';
import { isEndReason, type CallEndReason, type CallState, type CallStateChange } from '../softphone/call-state.js';
import type { DeskState } from './desk-store.js';

export type ScreenPopView =
  | { status: 'none' }
  | { status: 'loading'; callSid: string }
  | { status: 'ready'; callSid: string; pop: ScreenPop }
  | { status: 'failed'; callSid: string; error: DeskError };

export type LastCallSummary = {
  call: IncomingCall;
  outcome: CallEndReason;
  endedAt: number;
  /** Talk time; null when the call was never answered. */
  talkMs: number | null;
  /** The caller's name when the pop found exactly one match. */
  callerName: string | null;
};

export type CallSlice = {
  callState: CallState;
  currentCall: IncomingCall | null;
  ringingSince: number | null;
  answeredAt: number | null;
  screenPop: ScreenPopView;
  lastCall: LastCallSummary | null;
  callsHandled: number;

  softphoneStateChanged(change: CallStateChange): void;
  screenPopLoaded(callSid: string, pop: ScreenPop): void;
  screenPopFailed(callSid: string, error: DeskError): void;
};

function singleCallerName(view: ScreenPopView): string | null {
  if (view.status !== 'ready' || view.pop.matches.length !== 1) return null;
  return view.pop.matches[0]?.caller.name ?? null;
}

/** The next call state from the current one and one softphone change; pure, for the slice. */
export function applySoftphoneChange(state: Pick<CallSlice, 'callState' | 'currentCall' | 'ringingSince' | 'answeredAt' | 'screenPop' | 'lastCall' | 'callsHandled'>, change: CallStateChange): Partial<CallSlice> {
  switch (change.to) {
    case 'ringing':
      return {
        callState: 'ringing',
        currentCall: change.call,
        ringingSince: change.at,
        answeredAt: null,
        screenPop: change.call ? { status: 'loading', callSid: change.call.callSid } : { status: 'none' },
      };
    case 'connecting':
    case 'reconnecting':
      return { callState: change.to };
    case 'in_call':
      // Coming back from a media hiccup keeps the original answer time (and the timer).
      return { callState: 'in_call', answeredAt: change.from === 'connecting' ? change.at : state.answeredAt ?? change.at };
    case 'ended': {
      const call = change.call ?? state.currentCall;
      if (!call || !isEndReason(change.cause)) return { callState: 'ended' };
      return {
        callState: 'ended',
        lastCall: {
          call,
          outcome: change.cause,
          endedAt: change.at,
          talkMs: state.answeredAt === null ? null : change.at - state.answeredAt,
          callerName: singleCallerName(state.screenPop),
        },
        callsHandled: state.answeredAt === null ? state.callsHandled : state.callsHandled + 1,
      };
    }
    case 'idle':
      return { callState: 'idle', currentCall: null, ringingSince: null, answeredAt: null, screenPop: { status: 'none' } };
  }
}

export const createCallSlice: StateCreator<DeskState, [], [], CallSlice> = (set) => ({
  callState: 'idle',
  currentCall: null,
  ringingSince: null,
  answeredAt: null,
  screenPop: { status: 'none' },
  lastCall: null,
  callsHandled: 0,

  softphoneStateChanged: (change) => set((state) => applySoftphoneChange(state, change)),
  // A lookup that finishes after its call has gone (or another call rang) is dropped.
  screenPopLoaded: (callSid, pop) =>
    set((state) => (state.currentCall?.callSid === callSid ? { screenPop: { status: 'ready', callSid, pop } } : {})),
  screenPopFailed: (callSid, error) =>
    set((state) => (state.currentCall?.callSid === callSid ? { screenPop: { status: 'failed', callSid, error } } : {})),
});
