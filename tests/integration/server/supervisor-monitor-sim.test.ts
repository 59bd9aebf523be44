// Listen, coach and barge against the simulated Twilio: an agent's softphone on a live call, a
// second agent's softphone, and the team lead's softphone, with the server driving the
// simulator's REST API through the `twilio` library and the conference callbacks coming back signed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { listenersOf } from '../../../server/telephony/sim-conferences.js';
import { CallControlStateSchema } from '../../../shared/call-control.js';
import { SimCallResponseSchema } from '../../../shared/server-api.js';
import { MonitorSessionSchema } from '../../../shared/supervisor-api.js';
import {
  eventually, postJson, setState, signIn, SoftphoneClient, startTestServer, storeTargets, voiceToken, type TestServer,
} from './helpers.js';

interface ParticipantResource {
  call_sid: string;
  label: string | null;
  status: string;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  call_sid_to_coach: string | null;
}

describe.each(storeTargets())('team lead listen, coach and barge against the simulated Twilio on $kind', (target) => {
  let test: TestServer;
  let base: string;
  const phones: SoftphoneClient[] = [];
  const tokens = new Map<string, string>();

  async function softphone(agentId: string, state: 'available' | null): Promise<SoftphoneClient> {
    const accessToken = await signIn(base, agentId);
    tokens.set(agentId, accessToken);
    const phone = await SoftphoneClient.connect(base);
    phones.push(phone);
    await phone.register(agentId, await voiceToken(base, accessToken));
    if (state) await setState(base, accessToken, state);
    return phone;
  }

  const monitor = async (agentId: string, callId: string, method: 'POST' | 'DELETE', body?: unknown) => {
    const response = await fetch(`${base}/supervisor/calls/${callId}/monitor`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(agentId)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const callState = async (agentId: string, callId: string) =>
    CallControlStateSchema.parse(await (await fetch(`${base}/calls/${callId}`, { headers: { authorization: `Bearer ${tokens.get(agentId)}` } })).json());

  /** The conference's participants through the simulator's REST API, as Twilio's would answer. */
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

  /** Who hears whom, by the simulator's conference rules over what its REST API reports. */
  function hearing(list: ParticipantResource[], names: Record<string, string>): Record<string, string[]> {
    const seats = list.map((participant) => ({
      callSid: participant.call_sid, status: participant.status as 'connected', muted: participant.muted, hold: participant.hold,
      coaching: participant.coaching, callSidToCoach: participant.call_sid_to_coach,
    }));
    return Object.fromEntries(
      Object.entries(names).map(([sid, name]) => [name, listenersOf(seats, sid).map((listener) => names[listener] ?? listener).sort()]),
    );
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

  it('seats the lead muted, then heard by the agent only, then by everyone, and takes them out', async () => {
    const agent = await softphone('demo-calltaker', 'available');
    const otherAgent = await softphone('demo-triage', null);
    const lead = await softphone('demo-lead', null);
    const placed = SimCallResponseSchema.parse(await (await postJson(`${base}/sim/calls`, { from: '+12155550142' })).json());
    expect(placed.routedTo).toBe('demo-calltaker');
    const invite = await agent.waitFor('invite', (message) => message.callSid === placed.callSid);
    const callId = invite.params.callId as string;
    agent.send({ type: 'accept', callSid: placed.callSid });
    await eventually(async () => (await callState('demo-calltaker', callId)).phase === 'answered');
    const [row] = await test.server.store.query<{ agent_leg_sid: string }>('SELECT agent_leg_sid FROM calls WHERE id = $1', [callId]);
    const agentLeg = row?.agent_leg_sid as string;

    // A call-taker cannot listen in, and nothing rings anywhere.
    const refused = await monitor('demo-triage', callId, 'POST', { mode: 'listen' });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });

    // Listen: the call is promoted to its conference and the lead's softphone rings into it.
    const listening = await monitor('demo-lead', callId, 'POST', { mode: 'listen' });
    expect(listening.status, JSON.stringify(listening.body)).toBe(200);
    const session = MonitorSessionSchema.parse(listening.body);
    expect(session).toMatchObject({ callId, supervisorId: 'demo-lead', mode: 'listen' });
    const leadInvite = await lead.waitFor('invite', (message) => message.params.callId === callId);
    expect(leadInvite.params).toMatchObject({ callId, monitorMode: 'listen', queue: 'general' });
    expect(leadInvite.callSid).toBe(session.legSid);
    lead.send({ type: 'accept', callSid: leadInvite.callSid });
    const names = { [placed.callSid]: 'caller', [agentLeg]: 'agent', [leadInvite.callSid]: 'lead' };
    const seated = await eventually(async () => {
      const list = await participants(callId);
      return list.length === 3 && list.every((participant) => participant.status === 'connected') ? list : null;
    });
    expect(seated.find((participant) => participant.call_sid === leadInvite.callSid)).toMatchObject({ label: 'monitor-demo-lead', muted: true, coaching: false });
    expect(hearing(seated, names)).toEqual({ caller: ['agent', 'lead'], agent: ['caller', 'lead'], lead: [] });
    // Nobody is on hold, and the agent's desktop still shows a plain live call.
    expect(await callState('demo-calltaker', callId)).toMatchObject({ phase: 'answered', onHold: false, agentId: 'demo-calltaker' });

    // Coach: only the agent hears the lead.
    await eventually(async () => (await test.server.store.query('SELECT 1 FROM calls WHERE id = $1 AND conference_sid IS NOT NULL', [callId])).length > 0);
    const coaching = await monitor('demo-lead', callId, 'POST', { mode: 'coach' });
    expect(coaching).toMatchObject({ status: 200, body: { mode: 'coach', legSid: leadInvite.callSid } });
    const coached = await eventually(async () => {
      const list = await participants(callId);
      return list.find((participant) => participant.call_sid === leadInvite.callSid)?.coaching ? list : null;
    });
    expect(coached.find((participant) => participant.call_sid === leadInvite.callSid)).toMatchObject({ muted: false, coaching: true, call_sid_to_coach: agentLeg });
    expect(hearing(coached, names)).toEqual({ caller: ['agent', 'lead'], agent: ['caller', 'lead'], lead: ['agent'] });

    // Barge: everyone hears the lead.
    expect((await monitor('demo-lead', callId, 'POST', { mode: 'barge' })).status).toBe(200);
    const barged = await eventually(async () => {
      const list = await participants(callId);
      const seat = list.find((participant) => participant.call_sid === leadInvite.callSid);
      return seat && !seat.coaching && !seat.muted ? list : null;
    });
    expect(hearing(barged, names)).toEqual({ caller: ['agent', 'lead'], agent: ['caller', 'lead'], lead: ['agent', 'caller'] });

    // Leave: the lead's leg is removed; the caller and the agent talk on.
    const left = await monitor('demo-lead', callId, 'DELETE');
    expect(left).toEqual({ status: 200, body: { callId, supervisorId: 'demo-lead', mode: null, legSid: leadInvite.callSid } });
    const after = await eventually(async () => {
      const list = await participants(callId);
      return list.length === 2 ? list : null;
    });
    expect(after.map((participant) => participant.call_sid).sort()).toEqual([placed.callSid, agentLeg].sort());
    expect(hearing(after, names)).toEqual({ caller: ['agent'], agent: ['caller'], lead: [] });
    expect(await monitor('demo-lead', callId, 'DELETE')).toMatchObject({ status: 404 });
    expect(otherAgent.messages.filter((message) => message.type === 'invite')).toEqual([]);
    await eventually(async () =>
      (await test.server.store.query('SELECT 1 FROM supervisor_monitors WHERE call_id = $1 AND ended_at IS NOT NULL', [callId])).length === 1,
    );

    const audit = await test.server.store.query<{ agent_id: string; action: string; object_id: string }>(
      "SELECT agent_id, action, object_id FROM audit_log WHERE action LIKE 'supervisor.%' ORDER BY seq",
    );
    expect(audit).toEqual(
      ['supervisor.monitor', 'supervisor.coach', 'supervisor.barge', 'supervisor.monitor_end'].map((action) => ({ agent_id: 'demo-lead', action, object_id: callId })),
    );

    // The caller hangs up: the call ends as usual and the agent wraps up.
    expect((await postJson(`${base}/sim/calls/${placed.callSid}/hangup`, {})).status).toBe(200);
    await eventually(async () => (await callState('demo-calltaker', callId)).phase === 'wrap_up');
  });

  it('lets the lead leave by hanging up, and refuses to monitor a call that is not live', async () => {
    const agent = await softphone('demo-calltaker', 'available');
    const lead = await softphone('demo-lead', null);
    const placed = SimCallResponseSchema.parse(await (await postJson(`${base}/sim/calls`, { from: '+12155550177' })).json());
    const invite = await agent.waitFor('invite', (message) => message.callSid === placed.callSid);
    const callId = invite.params.callId as string;
    // Still ringing: nothing to listen to yet.
    expect(await monitor('demo-lead', callId, 'POST', { mode: 'barge' })).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });
    agent.send({ type: 'accept', callSid: placed.callSid });
    await eventually(async () => (await callState('demo-calltaker', callId)).phase === 'answered');

    expect((await monitor('demo-lead', callId, 'POST', { mode: 'barge' })).status).toBe(200);
    const leadInvite = await lead.waitFor('invite', (message) => message.params.callId === callId);
    expect(leadInvite.params.monitorMode).toBe('barge');
    lead.send({ type: 'accept', callSid: leadInvite.callSid });
    await eventually(async () => (await participants(callId)).some((participant) => participant.call_sid === leadInvite.callSid && participant.status === 'connected'));
    lead.send({ type: 'hangup', callSid: leadInvite.callSid });
    // The leg's status callback closes the seat; a new request rings the lead again.
    await eventually(async () =>
      (await test.server.store.query('SELECT 1 FROM supervisor_monitors WHERE call_id = $1 AND ended_at IS NOT NULL', [callId])).length === 1,
    );
    expect((await participants(callId)).map((participant) => participant.call_sid).sort()).toEqual(
      [placed.callSid, (await test.server.store.query<{ agent_leg_sid: string }>('SELECT agent_leg_sid FROM calls WHERE id = $1', [callId]))[0]?.agent_leg_sid].sort(),
    );
    expect((await monitor('demo-lead', callId, 'POST', { mode: 'listen' })).status).toBe(200);
    await lead.waitFor('invite', (message) => message.params.callId === callId && message.params.monitorMode === 'listen');

    expect((await postJson(`${base}/sim/calls/${placed.callSid}/hangup`, {})).status).toBe(200);
    await eventually(async () => (await callState('demo-calltaker', callId)).phase === 'wrap_up');
    // The call is over: the lead's seat went with it.
    await eventually(async () => (await test.server.store.query('SELECT 1 FROM supervisor_monitors WHERE call_id = $1 AND ended_at IS NULL', [callId])).length === 0);
  });
});
