// The simulated softphone against a real WebSocket server playing the server's Twilio simulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import type { IncomingCall } from '../../../shared/domain/call.js';
import type { DeskError } from '../../../shared/errors.js';
import type { SimServerMessage } from '../../../shared/softphone-protocol.js';
import { SimulatedSoftphone, simVoiceUrl, type WebSocketConstructor } from '../../../renderer/softphone/simulated.js';
import type { SoftphoneEvents } from '../../../renderer/softphone/softphone.js';
import { callSid, inviteParams } from './fixtures.js';
import { eventually, startHarness, type Harness } from './ws-harness.js';

const send = (client: ServerSocket, message: SimServerMessage | string) =>
  client.send(typeof message === 'string' ? message : JSON.stringify(message));

const invite = (overrides: Partial<Record<string, string>> = {}, sid = callSid): SimServerMessage => ({
  type: 'invite',
  callSid: sid,
  from: '+12155550142',
  to: '+12155550100',
  params: { ...inviteParams, ...overrides } as Record<string, string>,
});

describe('SimulatedSoftphone', () => {
  let harness: Harness;
  let phone: SimulatedSoftphone;
  let seen: { [E in keyof SoftphoneEvents]: SoftphoneEvents[E][] };
  let tokens: number;

  beforeEach(async () => {
    harness = await startHarness('/sim/voice');
    tokens = 0;
    phone = new SimulatedSoftphone({
      serverUrl: harness.url.replace('ws://', 'http://').replace('/sim/voice', ''),
      identity: 'demo-calltaker',
      getToken: async () => `token-${++tokens}`,
      WebSocketCtor: WebSocket as unknown as WebSocketConstructor,
      backoff: { initialMs: 20, maxMs: 50 },
      endedHoldMs: 30,
    });
    seen = { registered: [], unregistered: [], incoming: [], accepted: [], disconnected: [], cancelled: [], error: [], state: [], muted: [], audioDevices: [], audioDeviceLost: [] };
    for (const event of Object.keys(seen) as (keyof SoftphoneEvents)[]) {
      phone.on(event, ((payload: unknown) => (seen[event] as unknown[]).push(payload)) as never);
    }
  });

  afterEach(async () => {
    phone.destroy();
    await harness.close();
  });

  /** Registers the phone and returns the server's side of its socket. */
  async function registered(): Promise<ServerSocket> {
    const registering = phone.register();
    const client = await harness.nextClient();
    expect(await harness.nextMessage(client)).toEqual({ type: 'register', identity: 'demo-calltaker', token: 'token-1' });
    send(client, { type: 'registered', identity: 'demo-calltaker' });
    await registering;
    return client;
  }

  async function ringing(client: ServerSocket, overrides: Partial<Record<string, string>> = {}): Promise<IncomingCall> {
    send(client, invite(overrides));
    await eventually(() => expect(seen.incoming).toHaveLength(1));
    return seen.incoming[0] as IncomingCall;
  }

  it('builds the simulator URL from the server URL', () => {
    expect(simVoiceUrl('http://127.0.0.1:8311')).toBe('ws://127.0.0.1:8311/sim/voice');
    expect(simVoiceUrl('https://311.example.org/api/')).toBe('wss://311.example.org/api/sim/voice');
  });

  it('registers with its identity and a token, then reports registered', async () => {
    await registered();
    expect(phone.registration).toBe('registered');
    expect(seen.registered).toEqual([{ identity: 'demo-calltaker' }]);
  });

  it('turns an invite into an incoming call with the 911 flag parsed', async () => {
    const client = await registered();
    const call = await ringing(client, { is911Transfer: 'true', queue: 'triage' });
    expect(call).toEqual({
      callId: inviteParams.callId,
      callSid,
      from: '+12155550142',
      to: '+12155550100',
      queue: 'triage',
      is911Transfer: true,
      receivedAt: inviteParams.receivedAt,
    });
    expect(phone.state).toBe('ringing');
    expect(seen.state.map((change) => change.to)).toEqual(['ringing']);
  });

  it('sends accept with the call sid and goes in call', async () => {
    const client = await registered();
    await ringing(client);
    expect(phone.accept()).toBe(true);
    expect(await harness.nextMessage(client)).toEqual({ type: 'accept', callSid });
    expect(phone.state).toBe('in_call');
    expect(seen.accepted).toHaveLength(1);
    expect(seen.state.map((change) => change.to)).toEqual(['ringing', 'connecting', 'in_call']);
  });

  it('ends on the caller cancelling, then returns to idle', async () => {
    const client = await registered();
    await ringing(client);
    send(client, { type: 'cancel', callSid });
    await eventually(() => expect(seen.cancelled).toHaveLength(1));
    expect(phone.state).toBe('ended');
    await eventually(() => expect(phone.state).toBe('idle'));
    expect(phone.currentCall).toBeNull();
  });

  it('sends reject when the agent declines', async () => {
    const client = await registered();
    await ringing(client);
    expect(phone.reject()).toBe(true);
    expect(await harness.nextMessage(client)).toEqual({ type: 'reject', callSid });
    expect(seen.disconnected).toEqual([{ call: expect.objectContaining({ callSid }), reason: 'agent_declined' }]);
  });

  it('sends hangup, and reports a far-end disconnect on another call', async () => {
    const client = await registered();
    await ringing(client);
    phone.accept();
    expect(phone.hangup()).toBe(true);
    expect(await harness.nextMessage(client, (m) => (m as { type: string }).type === 'hangup')).toEqual({ type: 'hangup', callSid });
    expect(seen.disconnected.at(-1)?.reason).toBe('agent_hung_up');

    const secondSid = 'CAfedcba9876543210fedcba9876543210';
    send(client, invite({}, secondSid));
    await eventually(() => expect(seen.incoming).toHaveLength(2));
    phone.accept();
    send(client, { type: 'disconnect', callSid: secondSid });
    await eventually(() => expect(seen.disconnected.at(-1)?.reason).toBe('caller_hung_up'));
  });

  it('refuses accept, reject and hangup when nothing is ringing or live', async () => {
    await registered();
    expect(phone.accept()).toBe(false);
    expect(phone.reject()).toBe(false);
    expect(phone.hangup()).toBe(false);
  });

  it('reports a malformed message as an error and keeps working', async () => {
    const client = await registered();
    send(client, 'this is not json');
    send(client, JSON.stringify({ type: 'invite', callSid: 42 }));
    await eventually(() => expect(seen.error).toHaveLength(2));
    expect(seen.error.every((error: DeskError) => error.code === 'SOFTPHONE_ERROR')).toBe(true);
    await ringing(client);
    expect(phone.state).toBe('ringing');
  });

  it('rejects an invite without the call parameters it needs', async () => {
    const client = await registered();
    send(client, invite({ callId: 'not-a-uuid' }));
    expect(await harness.nextMessage(client)).toEqual({ type: 'reject', callSid });
    expect(seen.error[0]?.message).toMatch(/callId/);
    expect(phone.state).toBe('idle');
  });

  it('declines a second call while one is ringing', async () => {
    const client = await registered();
    await ringing(client);
    const otherSid = 'CAfedcba9876543210fedcba9876543210';
    send(client, invite({}, otherSid));
    expect(await harness.nextMessage(client)).toEqual({ type: 'reject', callSid: otherSid });
    expect(phone.currentCall?.callSid).toBe(callSid);
  });

  it('passes on a simulator error', async () => {
    const client = await registered();
    send(client, { type: 'error', code: 31005, message: 'connection error' });
    await eventually(() => expect(seen.error[0]?.message).toContain('31005'));
  });

  it('re-registers with a fresh token after the simulator drops, ending a live call', async () => {
    const client = await registered();
    await ringing(client);
    phone.accept();
    client.terminate();
    await eventually(() => expect(seen.unregistered).toHaveLength(1));
    expect(seen.disconnected.at(-1)?.reason).toBe('failed');

    const again = await harness.nextClient();
    expect(await harness.nextMessage(again)).toEqual({ type: 'register', identity: 'demo-calltaker', token: 'token-2' });
    send(again, { type: 'registered', identity: 'demo-calltaker' });
    await eventually(() => expect(seen.registered).toHaveLength(2));
    expect(phone.registration).toBe('registered');
  });

  it('sends DTMF digits on a live call only, and mutes locally with the same event as the SDK', async () => {
    const client = await registered();
    await ringing(client);
    expect(phone.sendDigits('1')).toBe(false);
    expect(phone.setMuted(true)).toBe(false);
    phone.accept();
    expect(await harness.nextMessage(client)).toEqual({ type: 'accept', callSid });
    expect(phone.sendDigits('12#')).toBe(true);
    expect(await harness.nextMessage(client)).toEqual({ type: 'digits', callSid, digits: '12#' });
    expect(phone.sendDigits('12a')).toBe(false);
    expect(phone.setMuted(true)).toBe(true);
    expect(phone.muted).toBe(true);
    expect(phone.setMuted(false)).toBe(true);
    expect(seen.muted).toEqual([{ muted: true }, { muted: false }]);
    phone.setMuted(true);
    send(client, { type: 'disconnect', callSid });
    await eventually(() => expect(phone.state).toBe('ended'));
    // The next call starts unmuted.
    expect(phone.muted).toBe(false);
  });

  it('registers again from scratch on resume, showing registering until the simulator answers', async () => {
    const stale = await registered();
    const again = phone.refreshRegistration('system resumed');
    expect(phone.registration).toBe('registering');
    const fresh = await harness.nextClient();
    expect(fresh).not.toBe(stale);
    expect(await harness.nextMessage(fresh)).toEqual({ type: 'register', identity: 'demo-calltaker', token: 'token-2' });
    send(fresh, { type: 'registered', identity: 'demo-calltaker' });
    await again;
    expect(phone.registration).toBe('registered');
    expect(seen.registered).toHaveLength(2);
    // The old socket is closed, so it can never ring a call nobody can answer.
    await eventually(() => expect(stale.readyState).toBe(WebSocket.CLOSED));
  });

  it('leaves a live call alone on resume', async () => {
    const client = await registered();
    await ringing(client);
    phone.accept();
    await phone.refreshRegistration('page visible again');
    expect(phone.state).toBe('in_call');
    expect(phone.registration).toBe('registered');
  });
});
