// The one Softphone vocabulary the app codes against, whichever telephony adapter is behind it
// (the server's simulator in development and tests, Twilio's Voice SDK in production).
import type { IncomingCall } from '../../shared/domain/call.js';
import type { DeskError } from '../../shared/errors.js';
import type { CallEndReason, CallState, CallStateChange } from './call-state.js';

export type SoftphoneRegistration = 'unregistered' | 'registering' | 'registered';

export type SoftphoneEvents = {
  registered: { identity: string };
  unregistered: { reason: string };
  incoming: IncomingCall;
  accepted: IncomingCall;
  disconnected: { call: IncomingCall; reason: Exclude<CallEndReason, 'caller_cancelled'> };
  cancelled: IncomingCall;
  error: DeskError;
  /** Every call state change, for the store; the events above are the meaningful subset. */
  state: CallStateChange;
};
export type SoftphoneEventName = keyof SoftphoneEvents;

export interface Softphone {
  readonly kind: 'simulated' | 'twilio';
  readonly state: CallState;
  readonly registration: SoftphoneRegistration;
  readonly currentCall: IncomingCall | null;
  on<E extends SoftphoneEventName>(event: E, listener: (payload: SoftphoneEvents[E]) => void): () => void;
  /** Resolves once registered; keeps retrying in the background after a failure. */
  register(): Promise<void>;
  /** Each returns false when the call is not in a state that allows it. */
  accept(): boolean;
  reject(): boolean;
  hangup(): boolean;
  destroy(): void;
}
