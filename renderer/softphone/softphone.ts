// The one Softphone vocabulary the app codes against, whichever telephony adapter is behind it
// (the server's simulator in development and tests, Twilio's Voice SDK in production).
import type { IncomingCall } from '../../shared/domain/call.js';
import type { DeskError } from '../../shared/errors.js';
import type { CallEndReason, CallState, CallStateChange } from './call-state.js';

export type SoftphoneRegistration = 'unregistered' | 'registering' | 'registered';

export type AudioDeviceOption = { id: string; label: string };

/** The headset picture: what is plugged in and what the call uses now. */
export type AudioDevicesView = {
  inputs: AudioDeviceOption[];
  outputs: AudioDeviceOption[];
  /** 'default' when the agent chose nothing or the chosen one went away. */
  selectedInput: string;
  selectedOutput: string;
};

/** Audio device selection; only the Twilio adapter has media to route. */
export interface SoftphoneAudio {
  devices(): AudioDevicesView;
  setInput(deviceId: string): Promise<void>;
  setOutput(deviceId: string): Promise<void>;
}

export type SoftphoneEvents = {
  registered: { identity: string };
  unregistered: { reason: string };
  incoming: IncomingCall;
  accepted: IncomingCall;
  disconnected: { call: IncomingCall; reason: Exclude<CallEndReason, 'caller_cancelled'> };
  cancelled: IncomingCall;
  error: DeskError;
  /** The state of the media: told only once the telephony layer reports it, never on request. */
  muted: { muted: boolean };
  /** The devices changed (plugged, unplugged, chosen). */
  audioDevices: AudioDevicesView;
  /** A device in use went away mid-call and the audio fell back to the default. */
  audioDeviceLost: { kind: 'input' | 'output'; label: string };
  /** Every call state change, for the store; the events above are the meaningful subset. */
  state: CallStateChange;
};
export type SoftphoneEventName = keyof SoftphoneEvents;

export interface Softphone {
  readonly kind: 'simulated' | 'twilio';
  readonly state: CallState;
  readonly registration: SoftphoneRegistration;
  readonly currentCall: IncomingCall | null;
  readonly muted: boolean;
  /** Null when the adapter has no audio devices to choose (the simulator). */
  readonly audio: SoftphoneAudio | null;
  on<E extends SoftphoneEventName>(event: E, listener: (payload: SoftphoneEvents[E]) => void): () => void;
  /** Resolves once registered; keeps retrying in the background after a failure. */
  register(): Promise<void>;
  /** Each returns false when the call is not in a state that allows it. */
  accept(): boolean;
  reject(): boolean;
  hangup(): boolean;
  /** Asks to mute or unmute the live call; `muted` follows when the media has done it. */
  setMuted(muted: boolean): boolean;
  /** DTMF on the live call: 0-9, *, #, and w for a half-second pause. */
  sendDigits(digits: string): boolean;
  /**
   * Registers again from scratch (after sleep, or when the network came back): a registration
   * that looks alive may be long dead on the other side. The registration shown follows the result.
   */
  refreshRegistration(reason: string): Promise<void>;
  destroy(): void;
}
