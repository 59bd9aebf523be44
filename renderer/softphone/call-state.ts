// The softphone's call state: one union, one transition table, and one `setState` that refuses
// illegal moves, logs every change and hands it to a single listener. Both adapters use it.
import type { IncomingCall } from '../../shared/domain/call.js';
import type { Logger } from '../lib/log.js';

export const CALL_STATES = ['idle', 'ringing', 'connecting', 'in_call', 'reconnecting', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** Why the state changed; the ending causes become the call's outcome. */
export type CallStateCause =
  | 'invite'
  | 'agent_accepted'
  | 'media_connected'
  | 'media_lost'
  | 'media_restored'
  | 'caller_cancelled'
  | 'agent_declined'
  | 'agent_hung_up'
  | 'caller_hung_up'
  | 'failed'
  | 'ready';

export type CallEndReason = Extract<CallStateCause, 'caller_cancelled' | 'agent_declined' | 'agent_hung_up' | 'caller_hung_up' | 'failed'>;

const END_REASONS: readonly CallStateCause[] = ['caller_cancelled', 'agent_declined', 'agent_hung_up', 'caller_hung_up', 'failed'];

export function isEndReason(cause: CallStateCause): cause is CallEndReason {
  return END_REASONS.includes(cause);
}

/**
 * Every legal move. `ended` lingers briefly so the agent sees how the call finished, then returns
 * to `idle`; a new invite may also arrive straight away.
 */
export const CALL_TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  idle: ['ringing'],
  ringing: ['connecting', 'ended'],
  connecting: ['in_call', 'ended'],
  in_call: ['reconnecting', 'ended'],
  reconnecting: ['in_call', 'ended'],
  ended: ['idle', 'ringing'],
};

export function canTransition(from: CallState, to: CallState): boolean {
  return CALL_TRANSITIONS[from].includes(to);
}

export type CallStateChange = {
  from: CallState;
  to: CallState;
  cause: CallStateCause;
  /** The call the change is about; null only when returning to idle. */
  call: IncomingCall | null;
  at: number;
};

export type CallStateMachineOptions = {
  log: Logger;
  onChange: (change: CallStateChange) => void;
  now?: () => number;
};

export class CallStateMachine {
  private current: CallState = 'idle';
  private activeCall: IncomingCall | null = null;
  private readonly now: () => number;

  constructor(private readonly options: CallStateMachineOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CallState {
    return this.current;
  }

  /** The ringing, live or just-ended call; null when idle. */
  get call(): IncomingCall | null {
    return this.activeCall;
  }

  /**
   * Moves to `next` when the table allows it. Ringing needs the new call; every other move keeps
   * the current one. Returns false (and logs) for an illegal move, leaving the state untouched.
   */
  setState(next: CallState, cause: CallStateCause, call?: IncomingCall): boolean {
    const from = this.current;
    if (!canTransition(from, next)) {
      this.options.log.warn(`call state: refused ${from} -> ${next} (${cause})`, { callSid: this.activeCall?.callSid });
      return false;
    }
    if (next === 'ringing') {
      if (!call) {
        this.options.log.error(`call state: ${from} -> ringing needs the incoming call`);
        return false;
      }
      this.activeCall = call;
    }
    if (next === 'idle') this.activeCall = null;
    this.current = next;
    this.options.log.info(`call state: ${from} -> ${next} (${cause})`, { callSid: this.activeCall?.callSid });
    this.options.onChange({ from, to: next, cause, call: this.activeCall, at: this.now() });
    return true;
  }
}
