// The Twilio adapter against a fake Device and Call that emit the Voice SDK's documented events
// with its shapes (call.parameters From/To/CallSid, call.customParameters as a Map).
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Device } from '@twilio/voice-sdk';
import type { DeskApi } from '../../../shared/desk-api.js';
import { TWILIO_DEVICE_OPTIONS, TwilioSoftphone, type TwilioDeviceConstructor } from '../../../renderer/softphone/twilio.js';
import type { SoftphoneEvents } from '../../../renderer/softphone/softphone.js';
import { callSid, inviteParams, voiceToken } from './fixtures.js';
import { eventually } from './ws-harness.js';

class FakeCall extends EventEmitter {
  readonly parameters: Record<string, string>;
  readonly customParameters: Map<string, string>;
  state = 'pending';
  readonly accept = vi.fn(() => {
    this.state = 'open';
    this.emit('accept', this);
  });
  readonly reject = vi.fn(() => {
    this.state = 'closed';
    this.emit('reject');
  });
  readonly disconnect = vi.fn(() => {
    this.state = 'closed';
    this.emit('disconnect', this);
  });
  muted = false;
  /** The SDK emits `mute` once the local track changed; tests can hold it back. */
  emitsMute = true;
  readonly mute = vi.fn((shouldMute = true) => {
    if (!this.emitsMute) return;
    this.muted = shouldMute;
    this.emit('mute', shouldMute, this);
  });
  readonly sendDigits = vi.fn();
  isMuted(): boolean {
    return this.muted;
  }

  constructor(custom: Record<string, string> = inviteParams, sid = callSid) {
    super();
    this.parameters = { CallSid: sid, From: '+12155550142', To: 'client:demo-calltaker', AccountSid: 'AC00' };
    this.customParameters = new Map(Object.entries(custom));
  }

  status(): string {
    return this.state;
  }
}

type FakeMediaDevice = { deviceId: string; label: string; kind: string };
const mic = (deviceId: string, label: string): FakeMediaDevice => ({ deviceId, label, kind: 'audioinput' });
const speaker = (deviceId: string, label: string): FakeMediaDevice => ({ deviceId, label, kind: 'audiooutput' });

/** The SDK's AudioHelper as far as the adapter uses it: device maps, selection, `deviceChange`. */
class FakeAudio extends EventEmitter {
  availableInputDevices = new Map([['default', mic('default', 'Default microphone')], ['headset', mic('headset', 'Jabra headset')]]);
  availableOutputDevices = new Map([['default', speaker('default', 'Default speaker')], ['headset-out', speaker('headset-out', 'Jabra headset')]]);
  inputDevice: FakeMediaDevice | null = null;
  private speakers = new Set([speaker('default', 'Default speaker')]);
  incomingSound = true;
  readonly setInputDevice = vi.fn(async (deviceId: string) => {
    const device = this.availableInputDevices.get(deviceId);
    if (!device) throw new Error(`no input ${deviceId}`);
    this.inputDevice = device;
  });
  readonly speakerDevices = {
    get: () => this.speakers,
    set: vi.fn(async (deviceId: string | string[]) => {
      const id = Array.isArray(deviceId) ? deviceId[0]! : deviceId;
      const device = this.availableOutputDevices.get(id);
      if (!device) throw new Error(`no output ${id}`);
      this.speakers = new Set([device]);
    }),
  };
  incoming(doEnable?: boolean): boolean {
    if (doEnable !== undefined) this.incomingSound = doEnable;
    return this.incomingSound;
  }
  /** The headset is pulled out: the SDK drops it from the maps and reports the active ones lost. */
  unplugHeadset(): void {
    const lost: FakeMediaDevice[] = [];
    if (this.inputDevice?.deviceId === 'headset') lost.push(this.inputDevice);
    if ([...this.speakers].some((device) => device.deviceId === 'headset-out')) lost.push(speaker('headset-out', 'Jabra headset'));
    this.availableInputDevices.delete('headset');
    this.availableOutputDevices.delete('headset-out');
    this.emit('deviceChange', lost);
  }
  plugHeadset(): void {
    this.availableInputDevices.set('headset', mic('headset', 'Jabra headset'));
    this.availableOutputDevices.set('headset-out', speaker('headset-out', 'Jabra headset'));
    this.emit('deviceChange', []);
  }
}

class FakeDevice extends EventEmitter {
  static created: FakeDevice[] = [];
  readonly audio = new FakeAudio();
  readonly register = vi.fn(async () => {
    this.emit('registering');
    this.emit('registered');
  });
  readonly updateToken = vi.fn();
  readonly destroy = vi.fn();

  constructor(
    readonly token: string,
    readonly options: Device.Options,
  ) {
    super();
    FakeDevice.created.push(this);
  }
}

function setUp() {
  FakeDevice.created = [];
  let issued = 0;
  const desk: Pick<DeskApi, 'getVoiceToken'> = {
    getVoiceToken: vi.fn(async () => ({ ...voiceToken, token: `token-${++issued}` })),
  };
  const phone = new TwilioSoftphone({ desk, DeviceCtor: FakeDevice as unknown as TwilioDeviceConstructor, endedHoldMs: 5 });
  const seen: Partial<{ [E in keyof SoftphoneEvents]: SoftphoneEvents[E][] }> = {};
  const events: (keyof SoftphoneEvents)[] = ['registered', 'unregistered', 'incoming', 'accepted', 'disconnected', 'cancelled', 'error', 'state', 'muted', 'audioDevices', 'audioDeviceLost'];
  for (const event of events) {
    seen[event] = [];
    phone.on(event, ((payload: unknown) => (seen[event] as unknown[]).push(payload)) as never);
  }
  const device = () => {
    const created = FakeDevice.created[0];
    if (!created) throw new Error('no Device was created');
    return created;
  };
  return { phone, desk, seen, device };
}

describe('TwilioSoftphone', () => {
  it('creates the Device with the desk token and our options, then registers', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    expect(device().token).toBe('token-1');
    expect(device().options).toEqual(TWILIO_DEVICE_OPTIONS);
    expect(TWILIO_DEVICE_OPTIONS).toMatchObject({ codecPreferences: ['opus', 'pcmu'], maxCallSignalingTimeoutMs: 30_000, closeProtection: true });
    expect(phone.registration).toBe('registered');
    expect(seen.registered).toEqual([{ identity: voiceToken.identity }]);
  });

  it('maps an incoming call from its parameters and custom parameters', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    device().emit('incoming', new FakeCall({ ...inviteParams, is911Transfer: 'true' }));
    expect(seen.incoming).toEqual([
      {
        callId: inviteParams.callId,
        callSid,
        from: '+12155550142',
        to: 'client:demo-calltaker',
        queue: 'general',
        is911Transfer: true,
        receivedAt: inviteParams.receivedAt,
      },
    ]);
    expect(phone.state).toBe('ringing');
  });

  it('accepts through the call and goes in call on its accept event', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const call = new FakeCall();
    device().emit('incoming', call);
    expect(phone.accept()).toBe(true);
    expect(call.accept).toHaveBeenCalledTimes(1);
    expect(phone.state).toBe('in_call');
    expect(seen.accepted).toHaveLength(1);
  });

  it('rejects through the call once, ending as declined', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const call = new FakeCall();
    device().emit('incoming', call);
    expect(phone.reject()).toBe(true);
    expect(call.reject).toHaveBeenCalledTimes(1);
    expect(seen.disconnected).toEqual([{ call: expect.objectContaining({ callSid }), reason: 'agent_declined' }]);
    expect(seen.state?.filter((change) => change.to === 'ended')).toHaveLength(1);
  });

  it('hangs up through the call, and maps a far-end disconnect and a cancel', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const first = new FakeCall();
    device().emit('incoming', first);
    phone.accept();
    expect(phone.hangup()).toBe(true);
    expect(first.disconnect).toHaveBeenCalledTimes(1);
    expect(seen.disconnected?.at(-1)?.reason).toBe('agent_hung_up');

    const second = new FakeCall(inviteParams, 'CAfedcba9876543210fedcba9876543210');
    device().emit('incoming', second);
    phone.accept();
    second.emit('disconnect', second);
    expect(seen.disconnected?.at(-1)?.reason).toBe('caller_hung_up');

    const third = new FakeCall(inviteParams, 'CA11111111111111111111111111111111');
    device().emit('incoming', third);
    third.emit('cancel');
    expect(seen.cancelled).toHaveLength(1);
    expect(phone.state).toBe('ended');
  });

  it('follows reconnecting and reconnected during a call', async () => {
    const { phone, device } = setUp();
    await phone.register();
    const call = new FakeCall();
    device().emit('incoming', call);
    phone.accept();
    call.emit('reconnecting', { code: 53405, message: 'Media connection failed' });
    expect(phone.state).toBe('reconnecting');
    call.emit('reconnected');
    expect(phone.state).toBe('in_call');
  });

  it('ends a call that a fatal error closed', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const call = new FakeCall();
    device().emit('incoming', call);
    phone.accept();
    call.state = 'closed';
    call.emit('error', { code: 31201, message: 'Unknown getUserMedia error' });
    expect(seen.error?.[0]?.message).toContain('31201');
    expect(seen.disconnected?.at(-1)?.reason).toBe('failed');
  });

  it('rejects a call that lacks its parameters, and one that arrives while busy', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const broken = new FakeCall({ queue: 'general' });
    device().emit('incoming', broken);
    expect(broken.reject).toHaveBeenCalledTimes(1);
    expect(seen.error).toHaveLength(1);
    expect(phone.state).toBe('idle');

    device().emit('incoming', new FakeCall());
    const second = new FakeCall(inviteParams, 'CAfedcba9876543210fedcba9876543210');
    device().emit('incoming', second);
    expect(second.reject).toHaveBeenCalledTimes(1);
    expect(phone.currentCall?.callSid).toBe(callSid);
  });

  it('refreshes the token through the desk when Twilio warns it will expire', async () => {
    const { phone, desk, device } = setUp();
    await phone.register();
    device().emit('tokenWillExpire', device());
    await vi.waitFor(() => expect(device().updateToken).toHaveBeenCalledWith('token-2'));
    expect(desk.getVoiceToken).toHaveBeenCalledTimes(2);
  });

  it('reports device errors and unregistration, and destroys the device', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    device().emit('error', { code: 20101, message: 'Invalid access token' });
    expect(seen.error?.[0]).toMatchObject({ code: 'SOFTPHONE_ERROR', details: { twilioCode: 20101 } });
    device().emit('unregistered');
    expect(seen.unregistered).toHaveLength(1);
    phone.destroy();
    expect(device().destroy).toHaveBeenCalledTimes(1);
  });

  it('shows muted only on the call\'s mute event, and keeps it until the agent unmutes', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const call = new FakeCall();
    device().emit('incoming', call);
    expect(phone.setMuted(true)).toBe(false);
    phone.accept();
    call.emitsMute = false;
    expect(phone.setMuted(true)).toBe(true);
    expect(call.mute).toHaveBeenLastCalledWith(true);
    expect(phone.muted).toBe(false);
    expect(seen.muted).toEqual([]);
    // The media changed (here, late): now the desk shows it.
    call.emit('mute', true, call);
    expect(phone.muted).toBe(true);
    // A reconnect does not unmute by itself.
    call.emit('reconnecting', { code: 53405, message: 'media lost' });
    call.emit('reconnected');
    expect(phone.muted).toBe(true);
    call.emitsMute = true;
    phone.setMuted(false);
    expect(phone.muted).toBe(false);
    expect(seen.muted).toEqual([{ muted: true }, { muted: false }]);
  });

  it('sends DTMF through the call, only while it is live and only valid digits', async () => {
    const { phone, device } = setUp();
    await phone.register();
    const call = new FakeCall();
    device().emit('incoming', call);
    expect(phone.sendDigits('5')).toBe(false);
    phone.accept();
    expect(phone.sendDigits('5')).toBe(true);
    expect(phone.sendDigits('*#w0')).toBe(true);
    expect(phone.sendDigits('5; drop')).toBe(false);
    expect(call.sendDigits.mock.calls).toEqual([['5'], ['*#w0']]);
  });

  it('turns the SDK\'s own ringtone off so ours is the one the agent can silence', async () => {
    const { phone, device } = setUp();
    await phone.register();
    expect(device().audio.incomingSound).toBe(false);
  });

  it('lists and selects audio devices, falls back when the headset is unplugged mid-call, and follows it back', async () => {
    const { phone, seen, device } = setUp();
    await phone.register();
    const audio = phone.audio;
    if (!audio) throw new Error('the Twilio adapter should offer audio selection');
    expect(audio.devices()).toEqual({
      inputs: [{ id: 'default', label: 'Default microphone' }, { id: 'headset', label: 'Jabra headset' }],
      outputs: [{ id: 'default', label: 'Default speaker' }, { id: 'headset-out', label: 'Jabra headset' }],
      selectedInput: 'default',
      selectedOutput: 'default',
    });
    await audio.setInput('headset');
    await audio.setOutput('headset-out');
    expect(audio.devices()).toMatchObject({ selectedInput: 'headset', selectedOutput: 'headset-out' });

    device().emit('incoming', new FakeCall());
    phone.accept();
    device().audio.unplugHeadset();
    await eventually(() => expect(seen.audioDeviceLost).toHaveLength(2));
    expect(seen.audioDeviceLost).toEqual([{ kind: 'input', label: 'Jabra headset' }, { kind: 'output', label: 'Jabra headset' }]);
    await eventually(() => expect(seen.audioDevices?.at(-1)).toMatchObject({ selectedInput: 'default', selectedOutput: 'default' }));
    expect(phone.state).toBe('in_call');

    device().audio.plugHeadset();
    await eventually(() => expect(seen.audioDevices?.at(-1)).toMatchObject({ selectedInput: 'headset', selectedOutput: 'headset-out' }));
  });

  it('registers again after sleep with a fresh token, showing registering until Twilio answers', async () => {
    const { phone, seen, device, desk } = setUp();
    await phone.register();
    let finish: () => void = () => undefined;
    device().register.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    const again = phone.refreshRegistration('system resumed');
    expect(phone.registration).toBe('registering');
    await eventually(() => expect(device().updateToken).toHaveBeenCalledWith('token-2'));
    finish();
    await again;
    expect(phone.registration).toBe('registered');
    expect(seen.registered).toHaveLength(2);
    expect(desk.getVoiceToken).toHaveBeenCalledTimes(2);
  });

  it('shows unregistered when registering again fails', async () => {
    const { phone, device } = setUp();
    await phone.register();
    device().register.mockRejectedValueOnce({ code: 31009, message: 'No transport available' });
    await expect(phone.refreshRegistration('network back')).rejects.toMatchObject({ code: 'SOFTPHONE_ERROR' });
    expect(phone.registration).toBe('unregistered');
  });
});
