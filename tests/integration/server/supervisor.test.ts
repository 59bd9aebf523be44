// The team lead's actions on the real server and store, with Twilio's webhooks posted by hand and
// a recording VoiceApi: changing an agent's state (heard on their desktop's socket at once),
// skills (the next offer follows them, the wallboard shows them), reprioritizing and assigning a
// waiting call, the role check on every route, and the audit record of each action.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { AgentSchema } from '../../../shared/domain/agent.js';
import { eventually, givePasswords, signIn, storeTargets } from './helpers.js';
import { LeadSocket } from './live-helpers.js';
import { LiveSocket, newCallSid, startTelephonyServer, type TelephonyTestServer } from './telephony-helpers.js';

const ROUTES: Array<{ method: string; path: (callId: string) => string; body: unknown }> = [
  { method: 'PUT', path: () => '/supervisor/agents/demo-triage/state', body: { state: 'available', reason: null } },
  { method: 'PUT', path: () => '/supervisor/agents/demo-triage/skills', body: { skills: ['general'] } },
  { method: 'POST', path: (id) => `/supervisor/calls/${id}/monitor`, body: { mode: 'listen' } },
  { method: 'DELETE', path: (id) => `/supervisor/calls/${id}/monitor`, body: undefined },
  { method: 'POST', path: (id) => `/supervisor/calls/${id}/priority`, body: { priority: 'high' } },
  { method: 'POST', path: (id) => `/supervisor/calls/${id}/assign`, body: { agentId: 'demo-triage' } },
];

describe.each(storeTargets())('supervisor actions on $kind', (target) => {
  let test: TelephonyTestServer;
  let base: string;
  const tokens = new Map<string, string>();
  const sockets: Array<{ close(): void }> = [];

  const request = async (agentId: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${tokens.get(agentId)}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
  };
  const lead = (method: string, path: string, body?: unknown) => request('demo-lead', method, path, body);
  const putOwnState = (agentId: string, state: string, reason: string | null = null) =>
    request(agentId, 'PUT', '/agents/me/state', { state, reason });
  const voiceParams = (callSid: string, to = '+12155550311') => ({
    AccountSid: SIMULATED_TWILIO.accountSid, CallSid: callSid, CallStatus: 'ringing', Direction: 'inbound', From: '+12155550142', To: to,
  });
  const inbound = async (callSid: string, to?: string) => (await test.webhook('/twilio/voice', voiceParams(callSid, to))).text();
  const dialResult = async (callSid: string, dialStatus: string) =>
    (await test.webhook('/twilio/dial-result', { ...voiceParams(callSid), CallStatus: 'in-progress', DialCallStatus: dialStatus })).text();
  const callRow = async (callSid: string) =>
    (await test.server.store.query<{ id: string; status: string; agent_id: string | null; priority: string }>(
      'SELECT id, status, agent_id, priority FROM calls WHERE call_sid = $1', [callSid],
    ))[0] as { id: string; status: string; agent_id: string | null; priority: string };
  /** The audit log's supervisor entries since the test began (the log is append-only). */
  let auditMark = 0;
  const audit = async () =>
    test.server.store.query<{ agent_id: string; action: string; object_type: string; object_id: string; details: unknown }>(
      "SELECT agent_id, action, object_type, object_id, details FROM audit_log WHERE seq > $1 AND action LIKE 'supervisor.%' ORDER BY seq",
      [auditMark],
    );
  const redirectedCallSids = () => test.voice.of('redirectCall').map((redirect) => redirect.callSid);

  beforeAll(async () => {
    test = await startTelephonyServer(target, { wrapUpSeconds: 600 });
    base = test.url;
    await test.server.store.query(
      `INSERT INTO agents (id, display_name, role, skills, state) VALUES
         ('general-only', 'Pat Lee', 'call_taker', '{general}', 'offline'),
         ('floor-admin', 'Morgan Diaz', 'admin', '{}', 'offline')`,
    );
    await givePasswords(test.server.store, ['general-only', 'floor-admin']);
    for (const id of ['demo-calltaker', 'demo-triage', 'demo-lead', 'general-only', 'floor-admin']) tokens.set(id, await signIn(base, id));
  });
  afterAll(async () => {
    await test?.dispose();
  });
  beforeEach(async () => {
    await test.server.store.query("UPDATE calls SET status = 'ended', ended_at = now() WHERE ended_at IS NULL");
    await test.server.store.query("UPDATE call_offers SET outcome = 'cancelled', ended_at = now() WHERE outcome IS NULL");
    await test.server.store.query(
      "UPDATE agents SET state = 'offline', state_reason = NULL, missed_calls = 0, skills = CASE id WHEN 'general-only' THEN '{general}'::text[] WHEN 'demo-lead' THEN '{}'::text[] WHEN 'floor-admin' THEN '{}'::text[] ELSE '{general,triage}'::text[] END",
    );
    const [head] = await test.server.store.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit_log');
    auditMark = Number(head?.seq ?? 0);
    test.voice.requests.length = 0;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('pulls an agent back from away: their desktop hears it at once, with the lead named, and it is audited', async () => {
    expect((await putOwnState('demo-triage', 'away', 'lunch')).status).toBe(200);
    const desk = await LiveSocket.connect(base, tokens.get('demo-triage') as string);
    sockets.push(desk);

    const changed = await lead('PUT', '/supervisor/agents/demo-triage/state', { state: 'available', reason: null });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(AgentSchema.parse(changed.body)).toMatchObject({ id: 'demo-triage', state: 'available', stateReason: 'set by Alex Kim' });
    const heard = await eventually(async () =>
      desk.messages.find((message) => message.type === 'agent' && message.agent.state === 'available'),
    );
    expect(heard).toMatchObject({ type: 'agent', agent: { id: 'demo-triage', state: 'available', stateReason: 'set by Alex Kim' } });

    // Sent away with a reason: the reason stays, and still says who.
    const away = await request('floor-admin', 'PUT', '/supervisor/agents/demo-triage/state', { state: 'away', reason: 'coaching' });
    expect(away.body).toMatchObject({ state: 'away', stateReason: 'coaching (set by Morgan Diaz)' });
    // The state machine's rules hold for a lead too.
    const noReason = await lead('PUT', '/supervisor/agents/demo-triage/state', { state: 'away', reason: null });
    expect(noReason).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });
    expect((await lead('PUT', '/supervisor/agents/nobody-here/state', { state: 'offline', reason: null })).status).toBe(404);

    expect(await audit()).toEqual([
      { agent_id: 'demo-lead', action: 'supervisor.state_change', object_type: 'agent', object_id: 'demo-triage', details: { from: 'away', to: 'available', reason: null } },
      { agent_id: 'floor-admin', action: 'supervisor.state_change', object_type: 'agent', object_id: 'demo-triage', details: { from: 'available', to: 'away', reason: 'coaching' } },
    ]);
  });

  it('refuses to move an agent off a live call', async () => {
    await putOwnState('demo-calltaker', 'available');
    const sid = newCallSid();
    expect(await inbound(sid)).toContain('<Identity>demo-calltaker</Identity>');
    await test.webhook('/twilio/status', {
      AccountSid: SIMULATED_TWILIO.accountSid, CallSid: newCallSid(), ParentCallSid: sid, CallStatus: 'in-progress', SequenceNumber: '1',
    });
    await eventually(async () => (await callRow(sid)).status === 'answered');
    const refused = await lead('PUT', '/supervisor/agents/demo-calltaker/state', { state: 'offline', reason: null });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });
    expect(refused.body.error?.message).toContain('finish the live call first');
    const [row] = await test.server.store.query<{ state: string }>("SELECT state FROM agents WHERE id = 'demo-calltaker'");
    expect(row?.state).toBe('on_call');
    expect(await audit()).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a call-taker on every supervisor route, whatever the body', async () => {
    const sid = newCallSid();
    await inbound(sid);
    const { id: callId } = await callRow(sid);
    for (const route of ROUTES) {
      for (const body of [route.body, { nonsense: true }]) {
        const refused = await request('demo-calltaker', route.method, route.path(callId), route.method === 'DELETE' ? undefined : body);
        expect(refused, `${route.method} ${route.path(callId)}`).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      }
      const anonymous = await fetch(`${base}${route.path(callId)}`, { method: route.method });
      expect(anonymous.status).toBe(401);
    }
    expect(await callRow(sid)).toMatchObject({ status: 'queued', priority: 'normal' });
    expect(await audit()).toEqual([]);
  });

  it('routes the next call by the new skills at once, and the wallboard shows them', async () => {
    const board = await LeadSocket.open(base, tokens.get('demo-lead') as string);
    sockets.push(board);
    await putOwnState('demo-calltaker', 'available');
    await putOwnState('demo-triage', 'available');
    // Before: the longest-idle agent with the skill gets the general call.
    const first = newCallSid();
    expect(await inbound(first)).toContain('<Identity>demo-calltaker</Identity>');
    await test.webhook('/twilio/status', { ...voiceParams(first), CallStatus: 'completed' });

    const moved = await lead('PUT', '/supervisor/agents/demo-calltaker/skills', { skills: ['triage'] });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(AgentSchema.parse(moved.body).skills).toEqual(['triage']);
    const second = newCallSid();
    expect(await inbound(second)).toContain('<Identity>demo-triage</Identity>');
    await board.waitFor('delta', (message) => message.change.kind === 'agent' && message.change.agent.id === 'demo-calltaker' && message.change.agent.skills.join() === 'triage');

    // A waiting caller is offered at once to an available agent who is given the queue's skill.
    await putOwnState('demo-calltaker', 'offline');
    await putOwnState('general-only', 'available');
    const transfer = newCallSid();
    expect(await inbound(transfer, '+12155550911')).toContain('>triage</Enqueue>');
    expect(redirectedCallSids()).toEqual([]);
    await lead('PUT', '/supervisor/agents/general-only/skills', { skills: ['general', 'triage'] });
    expect(redirectedCallSids()).toEqual([transfer]);
    expect(await callRow(transfer)).toMatchObject({ status: 'ringing', agent_id: 'general-only' });

    const invalid = await lead('PUT', '/supervisor/agents/general-only/skills', { skills: ['general', 'general'] });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect((await audit()).map((entry) => [entry.action, entry.object_id, entry.details])).toEqual([
      ['supervisor.skills_change', 'demo-calltaker', { from: ['general', 'triage'], to: ['triage'] }],
      ['supervisor.skills_change', 'general-only', { from: ['general'], to: ['general', 'triage'] }],
    ]);
  });

  it('offers a call raised to high priority before older ones, but never before a 911 transfer', async () => {
    const [oldest, older, transfer, raised] = [newCallSid(), newCallSid(), newCallSid(), newCallSid()];
    await inbound(oldest);
    await inbound(older);
    await inbound(raised);
    await inbound(transfer, '+12155550911');
    const { id: raisedId } = await callRow(raised);
    const wait = async () => (await test.webhook('/twilio/queue-wait', { ...voiceParams(raised), QueuePosition: '3' })).text();
    expect(await wait()).toContain('You are number 3 in line.');

    const response = await lead('POST', `/supervisor/calls/${raisedId}/priority`, { priority: 'high' });
    expect(response).toEqual({ status: 200, body: { callId: raisedId, priority: 'high' } });
    expect(await wait()).toContain('You are next in line.');

    await putOwnState('demo-triage', 'available');
    await putOwnState('demo-calltaker', 'available');
    await putOwnState('general-only', 'available');
    expect(redirectedCallSids()).toEqual([transfer, raised, oldest]);
    expect(await callRow(older)).toMatchObject({ status: 'queued' });

    // Only a waiting call has a priority to change.
    await test.server.store.query("UPDATE calls SET status = 'ended', ended_at = now() WHERE call_sid = $1", [oldest]);
    const { id: endedId } = await callRow(oldest);
    expect((await lead('POST', `/supervisor/calls/${endedId}/priority`, { priority: 'high' })).status).toBe(409);
    expect((await lead('POST', '/supervisor/calls/00000000-0000-4000-8000-000000000000/priority', { priority: 'high' })).status).toBe(404);
    expect(await audit()).toEqual([
      { agent_id: 'demo-lead', action: 'supervisor.reprioritize', object_type: 'call', object_id: raisedId, details: { from: 'normal', to: 'high' } },
    ]);
  });

  it('asks Twilio for the right participant in each mode, and undoes a monitor whose conference move failed', async () => {
    await putOwnState('demo-calltaker', 'available');
    const sid = newCallSid();
    await inbound(sid);
    const agentLeg = newCallSid();
    await test.webhook('/twilio/status', {
      AccountSid: SIMULATED_TWILIO.accountSid, CallSid: agentLeg, ParentCallSid: sid, CallStatus: 'in-progress', SequenceNumber: '1',
    });
    const { id: callId } = await callRow(sid);
    const monitors = () =>
      test.server.store.query<{ mode: string; leg_sid: string | null; ended: boolean }>(
        'SELECT mode, leg_sid, ended_at IS NOT NULL AS ended FROM supervisor_monitors WHERE call_id = $1 ORDER BY id', [callId],
      );

    // Twilio refuses to move the agent's leg: the lead is not rung into an empty conference.
    test.voice.failNext = 'Call is not in-progress';
    const failed = await lead('POST', `/supervisor/calls/${callId}/monitor`, { mode: 'listen' });
    expect(failed).toMatchObject({ status: 502, body: { error: { code: 'SERVER_ERROR' } } });
    expect(test.voice.of('addParticipant')).toEqual([]);
    expect(await monitors()).toEqual([{ mode: 'listen', leg_sid: null, ended: true }]);
    const [promoted] = await test.server.store.query<{ conference_name: string | null }>('SELECT conference_name FROM calls WHERE id = $1', [callId]);
    expect(promoted?.conference_name).toBeNull();

    const listening = await lead('POST', `/supervisor/calls/${callId}/monitor`, { mode: 'listen' });
    expect(listening.status, JSON.stringify(listening.body)).toBe(200);
    expect(test.voice.of('redirectCall').map((request) => request.callSid)).toEqual([agentLeg]);
    const [added] = test.voice.of('addParticipant');
    expect(added?.conference).toBe(callId);
    expect(added?.options).toMatchObject({
      to: 'client:demo-lead', label: 'monitor-demo-lead', muted: true, coaching: false, startConferenceOnEnter: false, endConferenceOnExit: false,
      clientParameters: { callId, monitorMode: 'listen', queue: 'general', is911Transfer: 'false' },
    });
    expect(added?.options.statusCallback).toBe(`${base}/twilio/monitor?callId=${callId}&supervisorId=demo-lead`);
    expect(listening.body).toEqual({ callId, supervisorId: 'demo-lead', mode: 'listen', legSid: added?.callSid });

    // Switching needs the conference's sid, which its status callbacks bring.
    const early = await lead('POST', `/supervisor/calls/${callId}/monitor`, { mode: 'coach' });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });
    const conferenceSid = `CF${'a'.repeat(32)}`;
    await test.webhook('/twilio/conference', {
      AccountSid: SIMULATED_TWILIO.accountSid, ConferenceSid: conferenceSid, FriendlyName: callId, StatusCallbackEvent: 'conference-start',
    });
    expect((await lead('POST', `/supervisor/calls/${callId}/monitor`, { mode: 'coach' })).status).toBe(200);
    expect((await lead('POST', `/supervisor/calls/${callId}/monitor`, { mode: 'barge' })).status).toBe(200);
    expect(test.voice.of('updateParticipant')).toEqual([
      { method: 'updateParticipant', conferenceSid, callSid: added?.callSid, options: { muted: false, coaching: true, callSidToCoach: agentLeg } },
      { method: 'updateParticipant', conferenceSid, callSid: added?.callSid, options: { muted: false, coaching: false } },
    ]);
    expect((await lead('DELETE', `/supervisor/calls/${callId}/monitor`)).status).toBe(200);
    expect(test.voice.of('removeParticipant')).toEqual([{ method: 'removeParticipant', conferenceSid, callSid: added?.callSid }]);
    expect(await monitors()).toEqual([
      { mode: 'listen', leg_sid: null, ended: true },
      { mode: 'barge', leg_sid: added?.callSid, ended: true },
    ]);

    // The lead's leg reports itself: a second seat closes when its leg hangs up; unsigned reports are refused.
    await lead('POST', `/supervisor/calls/${callId}/monitor`, { mode: 'listen' });
    const second = test.voice.of('addParticipant')[1]?.callSid as string;
    const report = { AccountSid: SIMULATED_TWILIO.accountSid, CallSid: second, CallStatus: 'completed' };
    const unsigned = await fetch(`${base}/twilio/monitor?callId=${callId}&supervisorId=demo-lead`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(report).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await monitors()).at(-1)).toEqual({ mode: 'listen', leg_sid: second, ended: false });
    expect((await test.webhook(`/twilio/monitor?callId=${callId}&supervisorId=demo-lead`, report)).status).toBe(200);
    expect((await monitors()).at(-1)).toEqual({ mode: 'listen', leg_sid: second, ended: true });
    expect((await audit()).map((entry) => entry.action)).toEqual([
      'supervisor.monitor', 'supervisor.monitor', 'supervisor.coach', 'supervisor.barge', 'supervisor.monitor_end', 'supervisor.monitor',
    ]);
  });

  it('assigns a waiting call to the chosen agent, and refuses an agent who cannot take it', async () => {
    await putOwnState('demo-calltaker', 'available');
    const sid = newCallSid();
    expect(await inbound(sid)).toContain('<Identity>demo-calltaker</Identity>');
    // Declined: nobody else is free, so the caller waits and the router will not ring the decliner again.
    expect(await dialResult(sid, 'busy')).toContain('>general</Enqueue>');
    const { id: callId } = await callRow(sid);

    const offline = await lead('POST', `/supervisor/calls/${callId}/assign`, { agentId: 'demo-triage' });
    expect(offline).toMatchObject({ status: 409, body: { error: { code: 'AGENT_UNAVAILABLE' } } });
    expect(offline.body.error?.message).toContain('is offline');
    await putOwnState('general-only', 'available');
    // general-only is free and skilled, and was offered it by the router as soon as they were.
    expect(await callRow(sid)).toMatchObject({ status: 'ringing', agent_id: 'general-only' });
    expect(await dialResult(sid, 'busy')).toContain('>general</Enqueue>');
    test.voice.requests.length = 0;

    // The lead overrides the router: demo-calltaker gets it now.
    const assigned = await lead('POST', `/supervisor/calls/${callId}/assign`, { agentId: 'demo-calltaker' });
    expect(assigned).toEqual({ status: 200, body: { callId, agentId: 'demo-calltaker' } });
    const redirects = test.voice.of('redirectCall');
    expect(redirects.map((redirect) => redirect.callSid)).toEqual([sid]);
    expect(redirects[0]?.twiml).toContain('<Identity>demo-calltaker</Identity>');
    expect(await callRow(sid)).toMatchObject({ status: 'ringing', agent_id: 'demo-calltaker' });
    // No longer waiting: a second assignment is refused.
    const again = await lead('POST', `/supervisor/calls/${callId}/assign`, { agentId: 'general-only' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });

    // A 911 transfer needs the triage skill.
    const transfer = newCallSid();
    await inbound(transfer, '+12155550911');
    const { id: transferId } = await callRow(transfer);
    const unskilled = await lead('POST', `/supervisor/calls/${transferId}/assign`, { agentId: 'general-only' });
    expect(unskilled).toMatchObject({ status: 409, body: { error: { code: 'AGENT_UNAVAILABLE' } } });
    expect(unskilled.body.error?.message).toContain('lacks the triage skill');

    expect(await audit()).toEqual([
      { agent_id: 'demo-lead', action: 'supervisor.assign', object_type: 'call', object_id: callId, details: { agentId: 'demo-calltaker' } },
    ]);
  });
});
