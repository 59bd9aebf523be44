// Call control on screen: the server's view of the call (hold, transfer, timeline), the request in
// flight, mute as the media reports it, the ringtone, the keypad and transfer drawers, wrap-up,
// the away picker, and the headset. Changes arrive only through these named actions.
import type { StateCreator } from 'zustand/vanilla';
import type { CallControlState, Disposition, TransferTargets } from '../../shared/call-control.js';
import type { DeskError } from '../../shared/errors.js';
import { suggestedDisposition } from '../call/call-controls-view.js';
import type { RingtoneState } from '../call/ringtone.js';
import type { AudioDevicesView } from '../softphone/softphone.js';
import type { DeskState } from './desk-store.js';

export type CallControlAction = 'hold' | 'resume' | 'transfer' | 'completeTransfer' | 'cancelTransfer' | 'wrapUp' | 'awayState';

export type CallDrawer = 'none' | 'keypad' | 'transfer' | 'away';

export type TransferTargetsView =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; targets: TransferTargets }
  | { status: 'failed'; error: DeskError };

/** A picked transfer target, as the drawer lists them (index order is the shortcut digit). */
export type TransferChoice =
  | { kind: 'emergency_911'; name: string }
  | { kind: 'department'; code: string; name: string }
  | { kind: 'agent'; agentId: string; name: string };

export type WrapUpForm = {
  callId: string;
  from: string;
  disposition: Disposition | null;
  /** Once the agent picks, later news about the call no longer changes the suggestion. */
  dispositionChosen: boolean;
  caseId: string | null;
  note: string;
  saving: boolean;
  error: DeskError | null;
};

export type CallControlSlice = {
  callControl: CallControlState | null;
  controlPending: CallControlAction | null;
  controlError: DeskError | null;
  muted: boolean;
  ringtone: RingtoneState;
  drawer: CallDrawer;
  /** DTMF sent on the current call, shown on the keypad. */
  digitsSent: string;
  transferTargets: TransferTargetsView;
  transferChoice: TransferChoice | null;
  wrapUp: WrapUpForm | null;
  audioDevices: AudioDevicesView | null;
  /** "Headset unplugged: using the default microphone" until the agent dismisses it. */
  audioNotice: string | null;

  callControlChanged(state: CallControlState): void;
  controlStarted(action: CallControlAction): void;
  controlFinished(error?: DeskError): void;
  mutedChanged(muted: boolean): void;
  ringtoneChanged(state: RingtoneState): void;
  drawerToggled(drawer: Exclude<CallDrawer, 'none'>): void;
  drawerClosed(): void;
  digitsSentAdded(digits: string): void;
  transferTargetsLoading(): void;
  transferTargetsLoaded(targets: TransferTargets): void;
  transferTargetsFailed(error: DeskError): void;
  transferChosen(choice: TransferChoice | null): void;
  wrapUpStarted(form: Pick<WrapUpForm, 'callId' | 'from' | 'disposition' | 'caseId'>): void;
  wrapUpEdited(changes: Partial<Pick<WrapUpForm, 'disposition' | 'caseId' | 'note'>>): void;
  wrapUpSaving(): void;
  wrapUpFailed(error: DeskError): void;
  wrapUpFinished(callId: string): void;
  audioDevicesChanged(devices: AudioDevicesView): void;
  audioNoticeRaised(text: string): void;
  audioNoticeDismissed(): void;
  /** A new call rang: everything about the previous one's controls goes. */
  callControlsReset(): void;
};

/**
 * Whether a call state from the server should replace the one shown. The timeline only grows, so
 * an answer or event with a shorter one is older than what we have (replies and events can cross).
 */
export function isNewerCallState(current: CallControlState | null, next: CallControlState, expectedCallId: string | null): boolean {
  if (current && current.callId === next.callId) return next.timeline.length >= current.timeline.length;
  return next.callId === expectedCallId;
}

const NO_CONTROLS = {
  callControl: null,
  controlPending: null,
  controlError: null,
  muted: false,
  ringtone: 'quiet' as RingtoneState,
  drawer: 'none' as CallDrawer,
  digitsSent: '',
  transferTargets: { status: 'idle' } as TransferTargetsView,
  transferChoice: null,
};

export const createCallControlSlice: StateCreator<DeskState, [], [], CallControlSlice> = (set) => ({
  ...NO_CONTROLS,
  wrapUp: null,
  audioDevices: null,
  audioNotice: null,

  callControlChanged: (next) =>
    set((state) => {
      const expected = state.currentCall?.callId ?? state.wrapUp?.callId ?? null;
      if (!isNewerCallState(state.callControl, next, expected)) return {};
      const changes: Partial<CallControlSlice> = { callControl: next };
      // A transfer that is over closes the transfer drawer; the choice goes with it.
      const transferOver = next.transfer !== null && ['completed', 'cancelled', 'failed'].includes(next.transfer.status);
      if (transferOver && state.drawer === 'transfer') Object.assign(changes, { drawer: 'none', transferChoice: null });
      // The call may end before the server's word on it arrives (a completed transfer drops the
      // agent's leg first): the wrap-up suggestion follows until the agent picks.
      const form = state.wrapUp;
      if (form && form.callId === next.callId && !form.dispositionChosen) {
        changes.wrapUp = { ...form, disposition: suggestedDisposition(next, form.caseId) ?? form.disposition };
      }
      return changes;
    }),
  controlStarted: (action) => set({ controlPending: action, controlError: null }),
  controlFinished: (error) => set({ controlPending: null, controlError: error ?? null }),
  mutedChanged: (muted) => set({ muted }),
  ringtoneChanged: (ringtone) => set({ ringtone }),
  drawerToggled: (drawer) => set((state) => ({ drawer: state.drawer === drawer ? 'none' : drawer })),
  drawerClosed: () => set({ drawer: 'none' }),
  digitsSentAdded: (digits) => set((state) => ({ digitsSent: (state.digitsSent + digits).slice(-32) })),
  transferTargetsLoading: () => set({ transferTargets: { status: 'loading' } }),
  transferTargetsLoaded: (targets) => set({ transferTargets: { status: 'ready', targets } }),
  transferTargetsFailed: (error) => set({ transferTargets: { status: 'failed', error } }),
  transferChosen: (transferChoice) => set({ transferChoice }),
  wrapUpStarted: (form) => set({ wrapUp: { ...form, dispositionChosen: false, note: '', saving: false, error: null } }),
  wrapUpEdited: (changes) =>
    set((state) => {
      if (!state.wrapUp) return {};
      const chosen = state.wrapUp.dispositionChosen || changes.disposition !== undefined;
      return { wrapUp: { ...state.wrapUp, ...changes, dispositionChosen: chosen, error: null } };
    }),
  wrapUpSaving: () => set((state) => (state.wrapUp ? { wrapUp: { ...state.wrapUp, saving: true, error: null } } : {})),
  wrapUpFailed: (error) => set((state) => (state.wrapUp ? { wrapUp: { ...state.wrapUp, saving: false, error } } : {})),
  wrapUpFinished: (callId) => set((state) => (state.wrapUp?.callId === callId ? { wrapUp: null } : {})),
  audioDevicesChanged: (audioDevices) => set({ audioDevices }),
  audioNoticeRaised: (audioNotice) => set({ audioNotice }),
  audioNoticeDismissed: () => set({ audioNotice: null }),
  callControlsReset: () => set(NO_CONTROLS),
});
