// The production softphone: Twilio's Voice SDK `Device` and `Call`, translated into our one call
// state machine. The Device constructor can be injected so the mapping is testable offline.
import { Call, Device } from '@twilio/voice-sdk';
import type { DeskApi } from '../../shared/desk-api.js';
import type { IncomingCall } from '../../shared/domain/call.js';
import { DeskFailure, toDeskError } from '../../shared/errors.js';
import { createLogger, type Logger } from '../lib/log.js';
import { incomingCallFromInvite } from './incoming-call.js';
import type { SoftphoneAudio } from './softphone.js';
import { SoftphoneCore } from './softphone-core.js';
import { TwilioAudioDevices, type TwilioAudioLike } from './twilio-audio.js';

/** The part of the SDK's TwilioError we read. */
export type TwilioErrorLike = { code?: number; message?: string; description?: string };

/** The part of the SDK's `Call` we use (names and shapes as in its .d.ts). */
export type TwilioCallLike = {
  readonly parameters: Record<string, string>;
  readonly customParameters: Map<string, string>;
  accept(): void;
  reject(): void;
  disconnect(): void;
  mute(shouldMute?: boolean): void;
  isMuted(): boolean;
  sendDigits(digits: string): void;
  status(): string;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
};

/** The part of the SDK's `Device` we use. */
export type TwilioDeviceLike = {
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** The SDK's AudioHelper; null where the browser has no audio (and absent in minimal fakes). */
  readonly audio?: TwilioAudioLike | null;
  register(): Promise<void>;
  updateToken(token: string): void;
  destroy(): void;
};

export type TwilioDeviceConstructor = new (token: string, options: Device.Options) => TwilioDeviceLike;

export type TwilioSoftphoneOptions = {
  desk: Pick<DeskApi, 'getVoiceToken'>;
  DeviceCtor?: TwilioDeviceConstructor;
  endedHoldMs?: number;
  log?: Logger;
};

export const TWILIO_DEVICE_OPTIONS: Device.Options = {
  // Opus first for quality; PCMU as the fallback every carrier speaks.
  codecPreferences: [Call.Codec.Opus, Call.Codec.PCMU],
  maxCallSignalingTimeoutMs: 30_000,
  // Warn before the window closes on a live call.
  closeProtection: true,
};

function describe(error: TwilioErrorLike | undefined): string {
  if (!error) return 'unknown Twilio error';
  return `${error.code ?? '?'} ${error.message ?? error.description ?? ''}`.trim();
}

export class TwilioSoftphone extends SoftphoneCore {
  readonly kind = 'twilio' as const;
  private device: TwilioDeviceLike | null = null;
  private activeCall: TwilioCallLike | null = null;
  /** Our listeners on the active call; the Device keeps its own there, which must stay. */
  private callListeners: Array<[string, (...args: never[]) => void]> = [];
  private readonly DeviceCtor: TwilioDeviceConstructor;
  private identity = '';
  private audioDevices: TwilioAudioDevices | null = null;

  constructor(private readonly options: TwilioSoftphoneOptions) {
    const log = options.log ?? createLogger('softphone:twilio');
    super(options.endedHoldMs === undefined ? { log } : { log, endedHoldMs: options.endedHoldMs });
    this.DeviceCtor = options.DeviceCtor ?? (Device as unknown as TwilioDeviceConstructor);
  }

  async register(): Promise<void> {
    if (this.destroyed) throw new DeskFailure('SOFTPHONE_ERROR', 'the softphone was destroyed');
    if (!this.device) {
      this.setRegistration('registering', 'fetching a voice token');
      const voiceToken = await this.options.desk.getVoiceToken({});
      if (this.destroyed) throw new DeskFailure('SOFTPHONE_ERROR', 'the softphone was destroyed');
      this.identity = voiceToken.identity;
      this.device = new this.DeviceCtor(voiceToken.token, TWILIO_DEVICE_OPTIONS);
      this.wireDevice(this.device);
    }
    await this.registerDevice(this.device);
  }

  override get audio(): SoftphoneAudio | null {
    return this.audioDevices;
  }

  async refreshRegistration(reason: string): Promise<void> {
    const device = this.device;
    if (this.destroyed || !device) return;
    this.log.info(`Twilio: registering again (${reason})`);
    // After sleep the SDK may still say "registered" over a dead signalling socket: show
    // registering until Twilio answers, with a fresh token in case the old one ran out meanwhile.
    this.setRegistration('registering', reason);
    try {
      const voiceToken = await this.options.desk.getVoiceToken({});
      if (this.device !== device) return;
      device.updateToken(voiceToken.token);
    } catch (error) {
      this.fail(`could not refresh the voice token: ${toDeskError(error).message}`);
    }
    await this.registerDevice(device);
  }

  setMuted(muted: boolean): boolean {
    const call = this.activeCall;
    if (!call || !this.isLive) return false;
    // The shown state changes on the call's `mute` event, i.e. when the media track has changed.
    call.mute(muted);
    return true;
  }

  sendDigits(digits: string): boolean {
    const call = this.activeCall;
    if (!call || !this.isLive || !/^[0-9*#wW]{1,32}$/.test(digits)) return false;
    call.sendDigits(digits);
    return true;
  }

  private async registerDevice(device: TwilioDeviceLike): Promise<void> {
    try {
      await device.register();
      // The SDK's events normally say this already; after a re-register over a socket it thought
      // alive they may not, and the state shown must be the true one.
      if (this.device === device) this.setRegistration('registered', 'Twilio accepted the registration', this.identity);
    } catch (error) {
      const message = `Twilio registration failed: ${describe(error as TwilioErrorLike)}`;
      this.setRegistration('unregistered', message);
      throw new DeskFailure('SOFTPHONE_ERROR', message);
    }
  }

  accept(): boolean {
    const call = this.activeCall;
    if (this.state !== 'ringing' || !call) return false;
    this.transition('connecting', 'agent_accepted');
    // The SDK asks for the microphone here; the call goes live on its `accept` event.
    call.accept();
    return true;
  }

  reject(): boolean {
    const call = this.activeCall;
    if (this.state !== 'ringing' || !call) return false;
    this.release();
    call.reject();
    return this.transition('ended', 'agent_declined');
  }

  hangup(): boolean {
    const call = this.activeCall;
    if (!call || !['connecting', 'in_call', 'reconnecting'].includes(this.state)) return false;
    this.release();
    call.disconnect();
    return this.transition('ended', 'agent_hung_up');
  }

  override destroy(): void {
    this.release();
    this.audioDevices = null;
    const device = this.device;
    this.device = null;
    device?.destroy();
    super.destroy();
  }

  private wireDevice(device: TwilioDeviceLike): void {
    if (device.audio) {
      // One ringtone for both adapters (renderer/call/ringtone.ts), silenceable without declining.
      device.audio.incoming(false);
      this.audioDevices = new TwilioAudioDevices(device.audio, (event, payload) => this.emit(event, payload), this.log);
    }
    device.on('registering', () => this.setRegistration('registering', 'Twilio is registering'));
    device.on('registered', () => this.setRegistration('registered', 'Twilio registered the device', this.identity));
    device.on('unregistered', () => this.setRegistration('unregistered', 'Twilio unregistered the device'));
    device.on('error', (error: TwilioErrorLike) => this.fail(`Twilio: ${describe(error)}`, { twilioCode: error?.code }));
    device.on('incoming', (call: TwilioCallLike) => this.handleIncoming(call));
    device.on('tokenWillExpire', () => {
      void this.refreshToken(device);
    });
  }

  private async refreshToken(device: TwilioDeviceLike): Promise<void> {
    try {
      const voiceToken = await this.options.desk.getVoiceToken({});
      if (this.device === device) device.updateToken(voiceToken.token);
    } catch (error) {
      this.fail(`could not refresh the voice token: ${toDeskError(error).message}`);
    }
  }

  private handleIncoming(call: TwilioCallLike): void {
    if (!this.isFree) {
      this.log.info(`Twilio: declined ${call.parameters.CallSid ?? 'a call'} while busy`);
      call.reject();
      return;
    }
    let incoming: IncomingCall;
    try {
      incoming = incomingCallFromInvite({
        callSid: call.parameters.CallSid ?? '',
        from: call.parameters.From ?? '',
        to: call.parameters.To ?? '',
        params: call.customParameters,
      });
    } catch (error) {
      this.fail(toDeskError(error).message);
      call.reject();
      return;
    }
    this.activeCall = call;
    this.wireCall(call);
    this.transition('ringing', 'invite', incoming);
  }

  // Events of a call we already let go of (declined, hung up, replaced) are ignored.
  private wireCall(call: TwilioCallLike): void {
    const live = () => this.activeCall === call;
    const on = (event: string, listener: (...args: never[]) => void) => {
      this.callListeners.push([event, listener]);
      call.on(event, listener);
    };
    on('accept', () => {
      if (live() && this.state === 'connecting') this.transition('in_call', 'media_connected');
    });
    on('cancel', () => {
      if (!live()) return;
      this.release();
      this.transition('ended', 'caller_cancelled');
    });
    on('disconnect', () => {
      if (!live()) return;
      const wasRinging = this.state === 'ringing';
      this.release();
      this.transition('ended', wasRinging ? 'caller_cancelled' : 'caller_hung_up');
    });
    on('reject', () => {
      if (!live()) return;
      this.release();
      this.transition('ended', 'agent_declined');
    });
    on('reconnecting', (error: TwilioErrorLike) => {
      if (live() && this.state === 'in_call') {
        this.log.warn(`Twilio: media lost, reconnecting (${describe(error)})`);
        this.transition('reconnecting', 'media_lost');
      }
    });
    on('mute', (isMuted: boolean) => {
      if (live()) this.mediaMuted(isMuted);
    });
    on('reconnected', () => {
      if (live() && this.state === 'reconnecting') this.transition('in_call', 'media_restored');
    });
    on('error', (error: TwilioErrorLike) => {
      if (!live()) return;
      this.fail(`Twilio call error: ${describe(error)}`, { twilioCode: error?.code });
      // A fatal error closes the call without a disconnect event; do not leave it hanging.
      if (call.status() === 'closed' && !this.isFree) {
        this.release();
        this.transition('ended', 'failed');
      }
    });
  }

  private release(): void {
    const call = this.activeCall;
    for (const [event, listener] of this.callListeners) call?.removeListener(event, listener);
    this.callListeners = [];
    this.activeCall = null;
  }
}
