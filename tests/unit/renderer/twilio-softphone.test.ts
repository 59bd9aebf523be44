// The Twilio adapter against a fake Device and Call that emit the Voice SDK's documented events
// with its shapes (call.parameters From/To/CallSid, call.customParameters as a Map).
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Device } from '@twilio/voice-sdk';
import type { DeskApi } from '../../../shared/desk-api.js';
import { TWILIO_DEVICE_OPTIONS, TwilioSoftphone, type TwilioDeviceConstructor } from '../../../renderer/softphone/twilio.js';
import type { SoftphoneEvents } from '../../../renderer/softphone/softphone.js';
import { callSid, inviteParams, voiceToken } from './fixtures.js';

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

  constructor(custom: Record<string, string> = inviteParams, sid = callSid) {
    super();
    this.parameters = { CallSid: sid, From: '+12155550142', To: 'client:demo-calltaker', AccountSid: 'AC00' };
    this.customParameters = new Map(Object.entries(custom));
  }

  status(): string {
    return this.state;
  }
}

class FakeDevice extends EventEmitter {
  static created: FakeDevice[] = [];
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
  const events: (keyof SoftphoneEvents)[] = ['registered', 'unregistered', 'incoming', 'accepted', 'disconnected', 'cancelled', 'error', 'state'];
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
});
