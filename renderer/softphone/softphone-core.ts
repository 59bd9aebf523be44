// What both adapters share: the call state machine, the event emitter, registration state and the
// short linger in `ended`. Adapters only translate their transport into `transition(...)` calls.
import type { IncomingCall } from '../../shared/domain/call.js';
import { deskError } from '../../shared/errors.js';
import { TypedEmitter } from '../lib/emitter.js';
import type { Logger } from '../lib/log.js';
import { CallStateMachine, isEndReason, type CallState, type CallStateCause, type CallStateChange } from './call-state.js';
import type { Softphone, SoftphoneAudio, SoftphoneEventName, SoftphoneEvents, SoftphoneRegistration } from './softphone.js';

export type SoftphoneCoreOptions = {
  log: Logger;
  /** How long `ended` stays on screen before the phone is idle again. */
  endedHoldMs?: number;
  now?: () => number;
};

export abstract class SoftphoneCore implements Softphone {
  abstract readonly kind: 'simulated' | 'twilio';
  protected readonly log: Logger;
  private readonly emitter: TypedEmitter<SoftphoneEvents>;
  private readonly machine: CallStateMachine;
  private readonly endedHoldMs: number;
  private endedTimer: ReturnType<typeof setTimeout> | null = null;
  private registrationState: SoftphoneRegistration = 'unregistered';
  private mutedNow = false;
  protected destroyed = false;

  protected constructor(options: SoftphoneCoreOptions) {
    this.log = options.log;
    this.endedHoldMs = options.endedHoldMs ?? 2_000;
    this.emitter = new TypedEmitter<SoftphoneEvents>((event, error) =>
      this.log.error(`softphone: a ${String(event)} listener threw`, String(error)));
    const machineOptions = { log: options.log, onChange: (change: CallStateChange) => this.announce(change) };
    this.machine = new CallStateMachine(options.now ? { ...machineOptions, now: options.now } : machineOptions);
  }

  get state(): CallState {
    return this.machine.state;
  }

  get currentCall(): IncomingCall | null {
    return this.machine.call;
  }

  get registration(): SoftphoneRegistration {
    return this.registrationState;
  }

  get muted(): boolean {
    return this.mutedNow;
  }

  get audio(): SoftphoneAudio | null {
    return null;
  }

  /** The call can carry media controls (mute, DTMF). */
  protected get isLive(): boolean {
    return this.machine.state === 'in_call' || this.machine.state === 'reconnecting';
  }

  on<E extends SoftphoneEventName>(event: E, listener: (payload: SoftphoneEvents[E]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  abstract register(): Promise<void>;
  abstract accept(): boolean;
  abstract reject(): boolean;
  abstract hangup(): boolean;
  abstract setMuted(muted: boolean): boolean;
  abstract sendDigits(digits: string): boolean;
  abstract refreshRegistration(reason: string): Promise<void>;

  destroy(): void {
    this.destroyed = true;
    if (this.endedTimer) clearTimeout(this.endedTimer);
    this.endedTimer = null;
    this.setRegistration('unregistered', 'destroyed');
    this.emitter.clear();
  }

  /** The softphone can take a new call (nothing ringing or live). */
  protected get isFree(): boolean {
    return this.machine.state === 'idle' || this.machine.state === 'ended';
  }

  protected transition(next: CallState, cause: CallStateCause, call?: IncomingCall): boolean {
    if (next === 'ringing' && this.endedTimer) {
      clearTimeout(this.endedTimer);
      this.endedTimer = null;
    }
    return this.machine.setState(next, cause, call);
  }

  protected setRegistration(next: SoftphoneRegistration, reason: string, identity?: string): void {
    const previous = this.registrationState;
    if (previous === next) return;
    this.registrationState = next;
    this.log.info(`softphone registration: ${previous} -> ${next} (${reason})`);
    if (next === 'registered') this.emitter.emit('registered', { identity: identity ?? '' });
    if (next === 'unregistered' && previous === 'registered') this.emitter.emit('unregistered', { reason });
  }

  /** Adapters call this when the media reports its mute state. */
  protected mediaMuted(muted: boolean): void {
    if (this.mutedNow === muted) return;
    this.mutedNow = muted;
    this.log.info(`softphone: ${muted ? 'muted' : 'unmuted'}`);
    this.emitter.emit('muted', { muted });
  }

  protected emit<E extends SoftphoneEventName>(event: E, payload: SoftphoneEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  protected fail(message: string, details?: unknown): void {
    this.log.warn(`softphone error: ${message}`, details);
    this.emitter.emit('error', deskError('SOFTPHONE_ERROR', message, details));
  }

  // The state-to-event table: each change goes to the store, then the meaningful ones get
  // their own event so the app reacts to "incoming" rather than to "idle -> ringing".
  private announce(change: CallStateChange): void {
    this.emitter.emit('state', change);
    const call = change.call;
    if (change.to === 'ringing' && call) this.emitter.emit('incoming', call);
    if (change.to === 'in_call' && change.from === 'connecting' && call) this.emitter.emit('accepted', call);
    // A new call never starts muted: the flag belongs to the call that ended.
    if (change.to === 'ended') this.mediaMuted(false);
    if (change.to === 'ended' && call && isEndReason(change.cause)) {
      if (change.cause === 'caller_cancelled') this.emitter.emit('cancelled', call);
      else this.emitter.emit('disconnected', { call, reason: change.cause });
      this.scheduleIdle();
    }
  }

  private scheduleIdle(): void {
    if (this.endedTimer) clearTimeout(this.endedTimer);
    this.endedTimer = setTimeout(() => {
      this.endedTimer = null;
      if (!this.destroyed && this.machine.state === 'ended') this.transition('idle', 'ready');
    }, this.endedHoldMs);
  }
}
