// Hold and a warm transfer to another agent end to end against the simulated Twilio: two
// softphones over WebSocket, the server driving the simulator's REST API through the `twilio`
// library (TwilioVoiceApi), and the simulator's conference callbacks coming back signed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { CallControlStateSchema, type CallControlState } from '../../../shared/call-control.js';
import { SimCallResponseSchema } from '../../../shared/server-api.js';
import {
  eventually, postJson, setState, signIn, SoftphoneClient, startTestServer, storeTargets, voiceToken, type TestServer,
} from './helpers.js';

interface ParticipantResource {
  call_sid: string;
  hold: boolean;
  label: string | null;
}

describe.each(storeTargets())('call control against the simulated Twilio on $kind', (target) => {
  let test: TestServer;
  let base: string;
  const phones: SoftphoneClient[] = [];
  const tokens = new Map<string, string>();

  async function onlineAgent(agentId: string): Promise<SoftphoneClient> {
    const accessToken = await signIn(base, agentId);
    tokens.set(agentId, accessToken);
    const phone = await SoftphoneClient.connect(base);
    phones.push(phone);
    await phone.register(agentId, await voiceToken(base, accessToken));
    await setState(base, accessToken, 'available');
    return phone;
  }

  const control = async (agentId: string, path: string, body: unknown = {}): Promise<CallControlState> => {
    const response = await postJson(`${base}${path}`, body, tokens.get(agentId));
    const json = (await response.json()) as unknown;
    expect(response.status, JSON.stringify(json)).toBe(200);
    return CallControlStateSchema.parse(json);
  };
  const callState = async (agentId: string, callId: string) =>
    CallControlStateSchema.parse(await (await fetch(`${base}/calls/${callId}`, { headers: { authorization: `Bearer ${tokens.get(agentId)}` } })).json());

  /** Reads the simulator's conference participants through its REST API, as Twilio's would answer. */
  async function participants(callId: string): Promise<ParticipantResource[]> {
    const auth = `Basic ${Buffer.from(`${SIMULATED_TWILIO.accountSid}:${SIMULATED_TWILIO.authToken}`).toString('base64')}`;
    const root = `${base}/sim/twilio-api/2010-04-01/Accounts/${SIMULATED_TWILIO.accountSid}`;
    const list = (await (await fetch(`${root}/Conferences.json?FriendlyName=${callId}&Status=in-progress`, { headers: { authorization: auth } })).json()) as {
      conferences: Array<{ sid: string }>;
    };
    const sid = list.conferences[0]?.sid;
    if (!sid) return [];
    const page = (await (await fetch(`${root}/Conferences/${sid}/Participants.json`, { headers: { authorization: auth } })).json()) as {
      participants: ParticipantResource[];
    };
    return page.participants;
  }

  beforeAll(async () => {
    test = await startTestServer(target, { wrapUpSeconds: 600, ringTimeoutSeconds: 10 });
    base = test.url;
  });
  afterAll(async () => {
    await test?.dispose();
  });
  afterEach(() => {
    for (const phone of phones.splice(0)) phone.close();
  });

  it('holds the caller, consults a second agent, and completes the warm transfer', async () => {
    const first = await onlineAgent('demo-calltaker');
    const placed = SimCallResponseSchema.parse(await (await postJson(`${base}/sim/calls`, { from: '+12155550142' })).json());
    expect(placed.routedTo).toBe('demo-calltaker');
    const invite = await first.waitFor('invite', (message) => message.callSid === placed.callSid);
    const callId = invite.params.callId as string;
    first.send({ type: 'accept', callSid: placed.callSid });
    await eventually(async () => (await callState('demo-calltaker', callId)).phase === 'answered');

    // Hold: the call moves into its conference and the caller's participant is held.
    await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: true });
    const held = await eventually(async () => {
      const caller = (await participants(callId)).find((participant) => participant.call_sid === placed.callSid);
      return caller?.hold ? caller : null;
    });
    expect(held.hold).toBe(true);
    await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: false });
    await eventually(async () => (await participants(callId)).find((participant) => participant.call_sid === placed.callSid)?.hold === false);

    // Warm transfer to the second agent: their softphone rings with the call's parameters.
    const second = await onlineAgent('demo-triage');
    await control('demo-calltaker', `/calls/${callId}/transfer`, {
      mode: 'warm', target: { kind: 'agent', agentId: 'demo-triage' }, summary: 'missed trash pickup, third week',
    });
    const transferInvite = await second.waitFor('invite', (message) => message.params.callId === callId);
    expect(transferInvite.params).toMatchObject({ callId, queue: 'general', is911Transfer: 'false', transferredBy: 'demo-calltaker' });
    await eventually(async () => (await participants(callId)).find((participant) => participant.call_sid === placed.callSid)?.hold === true);
    second.send({ type: 'accept', callSid: transferInvite.callSid });
    await eventually(async () => (await callState('demo-calltaker', callId)).transfer?.status === 'consulting');

    const completed = await control('demo-calltaker', `/calls/${callId}/transfer/complete`);
    expect(completed).toMatchObject({ agentId: 'demo-triage', transfer: { status: 'completed' } });
    // The first agent's leg is gone; the caller, off hold, is with the second agent.
    await first.waitFor('disconnect');
    const after = await eventually(async () => {
      const list = await participants(callId);
      return list.length === 2 && list.every((participant) => !participant.hold) ? list : null;
    });
    expect(after.map((participant) => participant.call_sid).sort()).toEqual([placed.callSid, transferInvite.callSid].sort());
    const states = await test.server.store.query<{ id: string; state: string }>("SELECT id, state FROM agents WHERE id IN ('demo-calltaker', 'demo-triage') ORDER BY id");
    expect(states).toEqual([{ id: 'demo-calltaker', state: 'wrap_up' }, { id: 'demo-triage', state: 'on_call' }]);

    // The caller hangs up: the call ends and the second agent wraps up.
    expect((await postJson(`${base}/sim/calls/${placed.callSid}/hangup`, {})).status).toBe(200);
    await eventually(async () => (await callState('demo-triage', callId)).phase === 'wrap_up');
    const timeline = (await callState('demo-triage', callId)).timeline.map((step) => step.kind);
    expect(timeline).toEqual([
      'received', 'offered', 'answered', 'hold', 'resume', 'hold', 'transfer_started', 'transfer_answered', 'transfer_completed', 'resume', 'ended',
    ]);
  });
});
