// The call router on the real server and store, with Twilio's webhooks posted by hand and a
// recording VoiceApi: queueing and offering on release, decline and no-answer, missed calls,
// abandonment, wrap-up, out-of-order callbacks, and agents or calls arriving together.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { AgentSchema } from '../../../shared/domain/agent.js';
import { eventually, givePasswords, signIn, storeTargets } from './helpers.js';
import { LiveSocket, newCallSid, startTelephonyServer, type TelephonyTestServer } from './telephony-helpers.js';

describe.each(storeTargets())('call routing on $kind', (target) => {
  let test: TelephonyTestServer;
  let base: string;
  const tokens = new Map<string, string>();
  const sockets: LiveSocket[] = [];

  const putState = async (agentId: string, state: string, reason: string | null = null) => {
    const response = await fetch(`${base}/agents/me/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(agentId)}` },
      body: JSON.stringify({ state, reason }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const voiceParams = (callSid: string, to = '+12155550311', from = '+12155550142') => ({
    AccountSid: SIMULATED_TWILIO.accountSid, CallSid: callSid, CallStatus: 'ringing', Direction: 'inbound', From: from, To: to,
  });
  const inbound = async (callSid: string, to?: string) => (await test.webhook('/twilio/voice', voiceParams(callSid, to))).text();
  const dialResult = async (callSid: string, dialStatus: string) =>
    (await test.webhook('/twilio/dial-result', { ...voiceParams(callSid), CallStatus: 'in-progress', DialCallStatus: dialStatus })).text();
  const agentLeg = (parent: string, leg: string, status: string, sequence: number, timestamp = new Date()) =>
    test.webhook('/twilio/status', {
      AccountSid: SIMULATED_TWILIO.accountSid, CallSid: leg, ParentCallSid: parent, CallStatus: status,
      SequenceNumber: String(sequence), Timestamp: timestamp.toUTCString(),
    });
  const callerLeg = (callSid: string, status: string, sequence: number, timestamp = new Date()) =>
    test.webhook('/twilio/status', {
      ...voiceParams(callSid), CallStatus: status, SequenceNumber: String(sequence), Timestamp: timestamp.toUTCString(),
    });
  const call = async (callSid: string) =>
    (
      await test.server.store.query<{
        id: string; status: string; agent_id: string | null; abandoned: boolean; wait_seconds: number | null; talk_seconds: number | null;
        offer_count: number; answered_at: Date | null; ended_at: Date | null;
      }>('SELECT * FROM calls WHERE call_sid = $1', [callSid])
    )[0];
  const timeline = async (callSid: string) =>
    (
      await test.server.store.query<{ kind: string; agent_id: string | null }>(
        'SELECT t.kind, t.agent_id FROM call_timeline t JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1 ORDER BY t.id',
        [callSid],
      )
    ).map((row) => (row.agent_id ? `${row.kind}:${row.agent_id}` : row.kind));
  const agent = async (id: string) =>
    (await test.server.store.query<{ state: string; state_reason: string | null }>('SELECT state, state_reason FROM agents WHERE id = $1', [id]))[0];

  beforeAll(async () => {
    test = await startTelephonyServer(target, { wrapUpSeconds: 1 });
    base = test.url;
    await test.server.store.query(
      `INSERT INTO agents (id, display_name, role, skills, state) VALUES ('general-only', 'Pat Lee', 'call_taker', '{general}', 'offline')`,
    );
    await givePasswords(test.server.store, ['general-only']);
    for (const id of ['demo-calltaker', 'demo-triage', 'general-only']) tokens.set(id, await signIn(base, id));
  });
  afterAll(async () => {
    await test?.dispose();
  });
  beforeEach(async () => {
    await test.server.store.query("UPDATE calls SET status = 'ended', ended_at = now() WHERE ended_at IS NULL");
    await test.server.store.query("UPDATE agents SET state = 'offline', state_reason = NULL, missed_calls = 0");
    test.voice.requests.length = 0;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('queues a call nobody can take, announces its place, and offers it by redirect as soon as an agent is free', async () => {
    const sid = newCallSid();
    const twiml = await inbound(sid);
    expect(twiml).toContain('<Enqueue waitUrl="/twilio/queue-wait" waitUrlMethod="POST">general</Enqueue>');
    expect(await call(sid)).toMatchObject({ status: 'queued', agent_id: null });

    const second = newCallSid();
    await inbound(second);
    const wait = await (await test.webhook('/twilio/queue-wait', { ...voiceParams(second), QueuePosition: '2' })).text();
    expect(wait).toContain('<Say>You are number 2 in line.</Say>');
    expect(wait).toContain(`<Play>${'http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3'}</Play>`);

    expect((await putState('general-only', 'available')).status).toBe(200);
    // The first caller (longest waiting) rings the agent: its leg is redirected to <Dial><Client>.
    const redirects = test.voice.of('redirectCall');
    expect(redirects).toHaveLength(1);
    expect(redirects[0]?.callSid).toBe(sid);
    expect(redirects[0]?.twiml).toContain('<Identity>general-only</Identity>');
    expect(redirects[0]?.twiml).toContain('action="/twilio/dial-result"');
    expect(await call(sid)).toMatchObject({ status: 'ringing', agent_id: 'general-only', offer_count: 1 });
    expect(await call(second)).toMatchObject({ status: 'queued' });
    expect(await timeline(sid)).toEqual(['received', 'queued', 'offered:general-only']);
    const nowFirst = await (await test.webhook('/twilio/queue-wait', { ...voiceParams(second), QueuePosition: '2' })).text();
    expect(nowFirst).toContain('You are next in line.');
  });

  it('offers a waiting 911 transfer before a regular caller who has waited longer', async () => {
    const regular = newCallSid();
    await inbound(regular);
    const transfer = newCallSid();
    expect(await inbound(transfer, '+12155550911')).toContain('>triage</Enqueue>');
    await putState('demo-triage', 'available');
    expect(test.voice.of('redirectCall').map((request) => request.callSid)).toEqual([transfer]);
    expect(test.voice.of('redirectCall')[0]?.twiml).toContain('<Parameter name="is911Transfer" value="true"/>');
    await putState('demo-calltaker', 'available');
    expect(test.voice.of('redirectCall').map((request) => request.callSid)).toEqual([transfer, regular]);
    expect(await call(regular)).toMatchObject({ status: 'ringing', agent_id: 'demo-calltaker' });
  });

  it('offers a declined call to the next agent at once, not back to the one who declined', async () => {
    await putState('demo-calltaker', 'available');
    await putState('general-only', 'available');
    const sid = newCallSid();
    expect(await inbound(sid)).toContain('<Identity>demo-calltaker</Identity>');
    const next = await dialResult(sid, 'busy');
    expect(next).toContain('<Identity>general-only</Identity>');
    expect(await call(sid)).toMatchObject({ status: 'ringing', agent_id: 'general-only', offer_count: 2 });
    // The one who declined stays available and is not set away.
    expect(await agent('demo-calltaker')).toEqual({ state: 'available', state_reason: null });
    // The second declines too: nobody left, so the caller waits, and no one is rung again.
    expect(await dialResult(sid, 'busy')).toContain('>general</Enqueue>');
    expect(await call(sid)).toMatchObject({ status: 'queued', agent_id: null });
    expect(test.voice.of('redirectCall')).toEqual([]);
    expect(await timeline(sid)).toEqual([
      'received', 'offered:demo-calltaker', 'declined:demo-calltaker', 'offered:general-only', 'declined:general-only', 'queued',
    ]);
    // Once the agent changes state they may be offered it again.
    await putState('demo-calltaker', 'away', 'break');
    await putState('demo-calltaker', 'available');
    expect(test.voice.of('redirectCall').map((request) => request.callSid)).toEqual([sid]);
  });

  it('sets an agent who lets a call ring out away with the reason "missed call", and tells their desktop', async () => {
    const live = await LiveSocket.connect(base, tokens.get('demo-calltaker') as string);
    sockets.push(live);
    await putState('demo-calltaker', 'available');
    const sid = newCallSid();
    await inbound(sid);
    expect(await dialResult(sid, 'no-answer')).toContain('>general</Enqueue>');
    expect(await agent('demo-calltaker')).toEqual({ state: 'away', state_reason: 'missed call' });
    const told = await eventually(async () =>
      live.messages.find((message) => message.type === 'agent' && message.agent.state === 'away'),
    );
    expect(told.type === 'agent' && AgentSchema.parse(told.agent)).toMatchObject({ id: 'demo-calltaker', stateReason: 'missed call' });
    const callMessage = live.messages.find((message) => message.type === 'call' && message.call.timeline.some((step) => step.kind === 'missed'));
    expect(callMessage).toBeDefined();
    // Away agents are not offered calls.
    const other = newCallSid();
    expect(await inbound(other)).toContain('</Enqueue>');
  });

  it('records a caller who hangs up in the queue as abandoned, with the wait', async () => {
    const sid = newCallSid();
    await inbound(sid);
    const received = (await test.server.store.query<{ received_at: Date }>('SELECT received_at FROM calls WHERE call_sid = $1', [sid]))[0]?.received_at as Date;
    await callerLeg(sid, 'completed', 1, new Date(received.getTime() + 42_000));
    const row = await call(sid);
    expect(row).toMatchObject({ status: 'ended', abandoned: true, answered_at: null });
    expect(row?.wait_seconds).toBeGreaterThanOrEqual(41);
    expect(row?.wait_seconds).toBeLessThanOrEqual(43);
    expect(await timeline(sid)).toEqual(['received', 'queued', 'abandoned']);
  });

  it('answers, ends into a timed wrap-up, and makes the agent available by itself with the reason', async () => {
    await putState('demo-calltaker', 'available');
    const sid = newCallSid();
    const leg = newCallSid();
    await inbound(sid);
    const answeredAt = new Date();
    await agentLeg(sid, leg, 'ringing', 0);
    await agentLeg(sid, leg, 'in-progress', 1, answeredAt);
    expect(await agent('demo-calltaker')).toMatchObject({ state: 'on_call' });
    // On a live call the agent cannot make themselves available.
    const refused = await putState('demo-calltaker', 'available');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'STATE_CONFLICT' } });

    await agentLeg(sid, leg, 'completed', 2, new Date(answeredAt.getTime() + 95_000));
    const row = await call(sid);
    expect(row).toMatchObject({ status: 'ended', abandoned: false });
    expect(row?.talk_seconds).toBeGreaterThanOrEqual(94);
    expect(row?.talk_seconds).toBeLessThanOrEqual(96);
    expect(await agent('demo-calltaker')).toMatchObject({ state: 'wrap_up' });
    await eventually(async () => (await agent('demo-calltaker'))?.state === 'available', 5_000);
    expect(await agent('demo-calltaker')).toEqual({ state: 'available', state_reason: 'wrap-up time over' });
  });

  it('refuses going away without one of the away reasons, and keeps the reason given', async () => {
    expect((await putState('demo-triage', 'away')).status).toBe(409);
    expect((await putState('demo-triage', 'away', 'napping')).status).toBe(409);
    const away = await putState('demo-triage', 'away', 'training');
    expect(away).toMatchObject({ status: 200, body: { state: 'away', stateReason: 'training' } });
    expect(await agent('demo-triage')).toEqual({ state: 'away', state_reason: 'training' });
    expect((await putState('demo-triage', 'on_call')).status).toBe(409);
  });

  it('ignores repeated and late status callbacks', async () => {
    await putState('demo-calltaker', 'available');
    const sid = newCallSid();
    const leg = newCallSid();
    await inbound(sid);
    await agentLeg(sid, leg, 'in-progress', 1);
    await agentLeg(sid, leg, 'in-progress', 1);
    await agentLeg(sid, leg, 'completed', 3);
    // "ringing" numbered before "completed" arrives last: it must not bring the call back.
    await agentLeg(sid, leg, 'ringing', 0);
    await agentLeg(sid, leg, 'completed', 3);
    expect(await call(sid)).toMatchObject({ status: 'ended' });
    expect((await timeline(sid)).filter((kind) => kind.startsWith('answered') || kind.startsWith('ended'))).toEqual([
      'answered:demo-calltaker', 'ended:demo-calltaker',
    ]);
    const events = await test.server.store.query<{ status: string; applied: boolean }>(
      'SELECT status, applied FROM call_events WHERE call_sid = $1 ORDER BY id', [leg],
    );
    expect(events).toEqual([
      { status: 'in-progress', applied: true }, { status: 'in-progress', applied: false }, { status: 'completed', applied: true },
      { status: 'ringing', applied: false }, { status: 'completed', applied: false },
    ]);
  });

  it('never offers one call twice or one agent two calls when agents and calls arrive together', async () => {
    const waiting = [newCallSid(), newCallSid(), newCallSid()];
    for (const sid of waiting) await inbound(sid);
    await Promise.all([putState('demo-calltaker', 'available'), putState('general-only', 'available'), putState('demo-triage', 'available')]);
    const more = [newCallSid(), newCallSid()];
    const answers = await Promise.all(more.map((sid) => inbound(sid)));
    const offers = await test.server.store.query<{ agent_id: string; call_id: string }>(`SELECT o.agent_id, o.call_id FROM call_offers o JOIN calls c ON c.id = o.call_id
       WHERE o.outcome IS NULL AND c.ended_at IS NULL`);
    expect(offers).toHaveLength(3);
    expect(new Set(offers.map((offer) => offer.agent_id)).size).toBe(3);
    expect(new Set(offers.map((offer) => offer.call_id)).size).toBe(3);
    expect(test.voice.of('redirectCall')).toHaveLength(3);
    expect(new Set(test.voice.of('redirectCall').map((request) => request.callSid))).toEqual(new Set(waiting));
    // Everyone is ringing, so the two new callers wait.
    for (const answer of answers) expect(answer).toContain('</Enqueue>');
  });
});
