// Call control on the real server and store, through a recording VoiceApi: who may control a
// call, hold and resume through the call's conference, warm transfer to another agent (consult,
// complete), a cold transfer that is not answered, cancelling, wrap-up, and the live messages.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { CallControlStateSchema, TransferTargetsSchema, WrapUpResponseSchema, type CallControlState } from '../../../shared/call-control.js';
import { eventually, signIn, storeTargets } from './helpers.js';
import { LiveSocket, newCallSid, startTelephonyServer, type TelephonyTestServer } from './telephony-helpers.js';

describe.each(storeTargets())('call control on $kind', (target) => {
  let test: TelephonyTestServer;
  let base: string;
  const tokens = new Map<string, string>();
  const sockets: LiveSocket[] = [];

  const request = async (agentId: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(agentId)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const control = async (agentId: string, path: string, body: unknown = {}): Promise<CallControlState> => {
    const response = await request(agentId, 'POST', path, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return CallControlStateSchema.parse(response.body);
  };
  const voiceParams = (callSid: string) => ({
    AccountSid: SIMULATED_TWILIO.accountSid, CallSid: callSid, CallStatus: 'in-progress', Direction: 'inbound', From: '+12155550142', To: '+12155550311',
  });
  const agentState = async (id: string) =>
    (await test.server.store.query<{ state: string }>('SELECT state FROM agents WHERE id = $1', [id]))[0]?.state;

  /** A call answered by `agentId`: voice webhook, then the agent leg's in-progress callback. */
  async function answeredCall(agentId: string): Promise<{ callId: string; callerSid: string; agentLeg: string }> {
    await request(agentId, 'PUT', '/agents/me/state', { state: 'available', reason: null });
    const callerSid = newCallSid();
    const agentLeg = newCallSid();
    const twiml = await (await test.webhook('/twilio/voice', { ...voiceParams(callerSid), CallStatus: 'ringing' })).text();
    expect(twiml).toContain(`<Identity>${agentId}</Identity>`);
    await test.webhook('/twilio/status', { AccountSid: SIMULATED_TWILIO.accountSid, CallSid: agentLeg, ParentCallSid: callerSid, CallStatus: 'in-progress', SequenceNumber: '1' });
    const [row] = await test.server.store.query<{ id: string }>('SELECT id FROM calls WHERE call_sid = $1', [callerSid]);
    return { callId: (row as { id: string }).id, callerSid, agentLeg };
  }

  /** What Twilio does after the agent's leg is redirected: the caller's <Dial> ends and it joins the conference. */
  async function callerJoinsConference(callId: string, callerSid: string, conferenceSid: string): Promise<void> {
    const twiml = await (await test.webhook('/twilio/dial-result', { ...voiceParams(callerSid), DialCallStatus: 'completed' })).text();
    expect(twiml).toContain(`>${callId}</Conference>`);
    expect(twiml).toContain('endConferenceOnExit="true"');
    await test.webhook('/twilio/conference', {
      AccountSid: SIMULATED_TWILIO.accountSid, ConferenceSid: conferenceSid, FriendlyName: callId, StatusCallbackEvent: 'participant-join', CallSid: callerSid,
    });
  }

  beforeAll(async () => {
    test = await startTelephonyServer(target, { wrapUpSeconds: 600 });
    base = test.url;
    for (const id of ['demo-calltaker', 'demo-triage', 'demo-lead']) tokens.set(id, await signIn(base, id));
  });
  afterAll(async () => {
    await test?.dispose();
  });
  beforeEach(async () => {
    await test.server.store.query("UPDATE calls SET status = 'ended', ended_at = now() WHERE ended_at IS NULL");
    await test.server.store.query("UPDATE agents SET state = 'offline', state_reason = NULL");
    test.voice.requests.length = 0;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('lets only the agent who holds the call see and control it', async () => {
    const { callId } = await answeredCall('demo-calltaker');
    const mine = await request('demo-calltaker', 'GET', `/calls/${callId}`);
    expect(mine.status).toBe(200);
    expect(CallControlStateSchema.parse(mine.body)).toMatchObject({ callId, phase: 'answered', agentId: 'demo-calltaker', onHold: false, transfer: null });
    expect((await request('demo-triage', 'GET', `/calls/${callId}`)).status).toBe(403);
    expect((await request('demo-triage', 'POST', `/calls/${callId}/hold`, { onHold: true })).status).toBe(403);
    expect((await request('demo-calltaker', 'GET', '/calls/01a2a000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await request('demo-calltaker', 'POST', `/calls/${callId}/hold`, { onHold: 'yes' })).status).toBe(400);
    expect((await request('demo-calltaker', 'POST', `/calls/${callId}/transfer/complete`, {})).status).toBe(409);
    expect(test.voice.requests).toEqual([]);
  });

  it('holds and resumes the caller through the call conference', async () => {
    const { callId, callerSid, agentLeg } = await answeredCall('demo-calltaker');
    const live = await LiveSocket.connect(base, tokens.get('demo-calltaker') as string);
    sockets.push(live);
    const held = await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: true });
    expect(held.onHold).toBe(true);
    // First hold: the agent's leg moves into a conference named after the call.
    expect(test.voice.requests).toHaveLength(1);
    expect(test.voice.requests[0]).toMatchObject({ method: 'redirectCall', callSid: agentLeg });
    const agentTwiml = (test.voice.requests[0] as { twiml: string }).twiml;
    expect(agentTwiml).toContain(`>${callId}</Conference>`);
    expect(agentTwiml).toContain('endConferenceOnExit="false"');

    // The caller follows; once it is in, the hold asked for is applied to its participant.
    await callerJoinsConference(callId, callerSid, 'CF0001');
    expect(test.voice.of('updateParticipant')).toEqual([
      { method: 'updateParticipant', conferenceSid: 'CF0001', callSid: callerSid, options: { hold: true, holdUrl: expect.stringMatching(/^http/) } },
    ]);
    const resumed = await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: false });
    expect(resumed.onHold).toBe(false);
    expect(test.voice.of('updateParticipant').at(-1)).toEqual({ method: 'updateParticipant', conferenceSid: 'CF0001', callSid: callerSid, options: { hold: false } });
    expect(test.voice.of('redirectCall')).toHaveLength(1);
    expect(resumed.timeline.map((step) => step.kind)).toEqual(['received', 'offered', 'answered', 'hold', 'resume']);
    await eventually(async () => live.messages.some((message) => message.type === 'call' && message.call.callId === callId && !message.call.onHold && message.call.timeline.length === 5));
  });

  it('warm-transfers to another agent: consult, complete, and the first agent wraps up', async () => {
    const { callId, callerSid, agentLeg } = await answeredCall('demo-calltaker');
    await request('demo-triage', 'PUT', '/agents/me/state', { state: 'available', reason: null });
    const targets = TransferTargetsSchema.parse((await request('demo-calltaker', 'GET', '/telephony/transfer-targets')).body);
    expect(targets.agents.map((agent) => agent.id)).toEqual(['demo-triage']);
    expect(targets.departments.length).toBeGreaterThan(3);
    expect(targets.departments.every((line) => /^\+1215555010\d$/.test(line.phone))).toBe(true);

    const triageLive = await LiveSocket.connect(base, tokens.get('demo-triage') as string);
    sockets.push(triageLive);
    const started = await control('demo-calltaker', `/calls/${callId}/transfer`, {
      mode: 'warm', target: { kind: 'agent', agentId: 'demo-triage' }, summary: 'pothole report, caller is upset',
    });
    expect(started.transfer).toMatchObject({ mode: 'warm', status: 'dialing', targetName: 'Sam Okafor' });
    expect(started.onHold).toBe(true);
    const added = test.voice.of('addParticipant');
    expect(added).toHaveLength(1);
    expect(added[0]?.conference).toBe(callId);
    expect(added[0]?.options).toMatchObject({
      to: 'client:demo-triage',
      label: 'transfer',
      clientParameters: { callId, queue: 'general', is911Transfer: 'false', transferredBy: 'demo-calltaker' },
    });
    expect(added[0]?.options.statusCallback).toBe(`${base}/twilio/participant?callId=${callId}`);
    await callerJoinsConference(callId, callerSid, 'CF0002');
    expect(test.voice.of('updateParticipant')).toEqual([
      expect.objectContaining({ conferenceSid: 'CF0002', callSid: callerSid, options: expect.objectContaining({ hold: true }) }),
    ]);

    const targetLeg = added[0]?.callSid as string;
    await test.webhook(`/twilio/participant?callId=${callId}`, { AccountSid: SIMULATED_TWILIO.accountSid, CallSid: targetLeg, CallStatus: 'in-progress' });
    const consulting = CallControlStateSchema.parse((await request('demo-calltaker', 'GET', `/calls/${callId}`)).body);
    expect(consulting.transfer?.status).toBe('consulting');

    const completed = await control('demo-calltaker', `/calls/${callId}/transfer/complete`);
    expect(completed).toMatchObject({ agentId: 'demo-triage', onHold: false, transfer: { status: 'completed' } });
    expect(test.voice.of('removeParticipant')).toEqual([{ method: 'removeParticipant', conferenceSid: 'CF0002', callSid: agentLeg }]);
    expect(test.voice.of('updateParticipant').at(-1)).toMatchObject({ callSid: callerSid, options: { hold: false } });
    expect(await agentState('demo-calltaker')).toBe('wrap_up');
    expect(await agentState('demo-triage')).toBe('on_call');
    expect(completed.timeline.map((step) => step.kind)).toEqual([
      'received', 'offered', 'answered', 'hold', 'transfer_started', 'transfer_answered', 'transfer_completed', 'resume',
    ]);
    expect(completed.timeline.find((step) => step.kind === 'transfer_started')?.detail).toContain('pothole report');
    await eventually(async () => triageLive.messages.some((message) => message.type === 'call' && message.call.agentId === 'demo-triage'));

    // The first agent wraps up their part; the call itself goes on with the second.
    const wrapped = await request('demo-calltaker', 'POST', `/calls/${callId}/wrap-up`, { disposition: 'transferred' });
    expect(wrapped.status, JSON.stringify(wrapped.body)).toBe(200);
    const wrapUp = WrapUpResponseSchema.parse(wrapped.body);
    expect(wrapUp.agent).toMatchObject({ id: 'demo-calltaker', state: 'available', stateReason: 'wrap-up done' });
    // Their disposition is on the timeline; the call's own is the second agent's to give.
    expect(wrapUp.call.disposition).toBeNull();
    expect(wrapUp.call.timeline.at(-1)).toMatchObject({ kind: 'wrapped_up', agentId: 'demo-calltaker', detail: 'transferred' });
    expect((await request('demo-calltaker', 'POST', `/calls/${callId}/wrap-up`, { disposition: 'transferred' })).status).toBe(409);
    expect((await request('demo-triage', 'POST', `/calls/${callId}/wrap-up`, { disposition: 'case_created' })).status).toBe(409);

    // The second agent hangs up: the caller is not left alone in the conference.
    await test.webhook(`/twilio/participant?callId=${callId}`, { AccountSid: SIMULATED_TWILIO.accountSid, CallSid: targetLeg, CallStatus: 'completed' });
    expect(test.voice.of('endCall')).toEqual([{ method: 'endCall', callSid: callerSid }]);
    await test.webhook('/twilio/status', { ...voiceParams(callerSid), CallStatus: 'completed', SequenceNumber: '5' });
    expect(await agentState('demo-triage')).toBe('wrap_up');
    const caseId = '01a2a000-0000-7000-8000-000000000311';
    const final = WrapUpResponseSchema.parse((await request('demo-triage', 'POST', `/calls/${callId}/wrap-up`, { disposition: 'case_created', caseId })).body);
    expect(final.call).toMatchObject({ phase: 'ended', disposition: 'case_created', caseId, agentId: 'demo-triage' });
    expect(final.agent).toMatchObject({ id: 'demo-triage', state: 'available' });
    const [metrics] = await test.server.store.query<{ wait_seconds: number; talk_seconds: number; hold_seconds: number; wrap_up_seconds: number }>(
      'SELECT wait_seconds, talk_seconds, hold_seconds, wrap_up_seconds FROM calls WHERE id = $1', [callId],
    );
    expect(metrics).toEqual({
      wait_seconds: expect.any(Number), talk_seconds: expect.any(Number), hold_seconds: expect.any(Number), wrap_up_seconds: expect.any(Number),
    });
  });

  it('marks an unanswered cold transfer failed and gives the caller back to the agent', async () => {
    const { callId, callerSid } = await answeredCall('demo-calltaker');
    const started = await control('demo-calltaker', `/calls/${callId}/transfer`, { mode: 'cold', target: { kind: 'department', code: 'streets' } });
    expect(started.transfer).toMatchObject({ mode: 'cold', targetName: 'Streets Department', status: 'dialing' });
    expect(test.voice.of('addParticipant')[0]?.options).toMatchObject({ to: '+12155550101', from: '+12155550311' });
    await callerJoinsConference(callId, callerSid, 'CF0003');
    const targetLeg = test.voice.of('addParticipant')[0]?.callSid as string;
    await test.webhook(`/twilio/participant?callId=${callId}`, { AccountSid: SIMULATED_TWILIO.accountSid, CallSid: targetLeg, CallStatus: 'no-answer' });
    const failed = CallControlStateSchema.parse((await request('demo-calltaker', 'GET', `/calls/${callId}`)).body);
    expect(failed).toMatchObject({ agentId: 'demo-calltaker', onHold: false, transfer: { status: 'failed', failure: 'no answer' } });
    expect(test.voice.of('updateParticipant').at(-1)).toMatchObject({ callSid: callerSid, options: { hold: false } });
    expect(await agentState('demo-calltaker')).toBe('on_call');
    expect(failed.timeline.at(-2)?.kind).toBe('transfer_failed');
  });

  it('cancels a warm transfer back to 911 and removes the target', async () => {
    const { callId, callerSid } = await answeredCall('demo-calltaker');
    await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: true });
    await callerJoinsConference(callId, callerSid, 'CF0004');
    const started = await control('demo-calltaker', `/calls/${callId}/transfer`, { mode: 'warm', target: { kind: 'emergency_911' }, summary: 'caller reports smoke' });
    expect(started.transfer?.targetName).toBe('911 center');
    expect(test.voice.of('addParticipant')[0]?.options.to).toBe('+12155550100');
    const targetLeg = test.voice.of('addParticipant')[0]?.callSid as string;
    await test.webhook(`/twilio/participant?callId=${callId}`, { AccountSid: SIMULATED_TWILIO.accountSid, CallSid: targetLeg, CallStatus: 'in-progress' });
    const cancelled = await control('demo-calltaker', `/calls/${callId}/transfer/cancel`);
    expect(cancelled).toMatchObject({ onHold: false, transfer: { status: 'cancelled' }, agentId: 'demo-calltaker' });
    expect(test.voice.of('removeParticipant')).toEqual([{ method: 'removeParticipant', conferenceSid: 'CF0004', callSid: targetLeg }]);
    // Refused: a transfer to an agent who is not available, or to oneself.
    expect((await request('demo-calltaker', 'POST', `/calls/${callId}/transfer`, { mode: 'warm', target: { kind: 'agent', agentId: 'demo-triage' } })).status).toBe(409);
    expect((await request('demo-calltaker', 'POST', `/calls/${callId}/transfer`, { mode: 'cold', target: { kind: 'department', code: 'nope' } })).status).toBe(404);
  });

  it('answers 502 when Twilio refuses a hold, and says so', async () => {
    const { callId } = await answeredCall('demo-calltaker');
    test.voice.failNext = 'Twilio is down';
    const response = await request('demo-calltaker', 'POST', `/calls/${callId}/hold`, { onHold: true });
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ error: { code: 'SERVER_ERROR', message: expect.stringContaining('Twilio is down') } });
    // The records say what Twilio did: not on hold, not in a conference; a later hold tries again.
    const after = CallControlStateSchema.parse((await request('demo-calltaker', 'GET', `/calls/${callId}`)).body);
    expect(after.onHold).toBe(false);
    await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: true });
    expect(test.voice.of('redirectCall')).toHaveLength(1);
  });

  it('marks a transfer failed when Twilio cannot ring the target, and takes the caller off hold', async () => {
    const { callId, callerSid } = await answeredCall('demo-calltaker');
    await control('demo-calltaker', `/calls/${callId}/hold`, { onHold: true });
    await callerJoinsConference(callId, callerSid, 'CF0005');
    test.voice.failNext = 'Invalid phone number';
    const response = await request('demo-calltaker', 'POST', `/calls/${callId}/transfer`, { mode: 'cold', target: { kind: 'department', code: 'water' } });
    expect(response.status).toBe(502);
    const after = CallControlStateSchema.parse((await request('demo-calltaker', 'GET', `/calls/${callId}`)).body);
    expect(after.transfer).toMatchObject({ status: 'failed', failure: 'Twilio could not ring the target' });
    expect(after.onHold).toBe(false);
    expect(test.voice.of('updateParticipant').at(-1)).toMatchObject({ callSid: callerSid, options: { hold: false } });
  });
});
