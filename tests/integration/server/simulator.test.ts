// The simulated Twilio end to end: a softphone registers over WebSocket with its voice token, a
// call placed through /sim/calls reaches it, and its answers come back through signed webhooks.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IncomingCallSchema } from '../../../shared/domain/call.js';
import { SimCallResponseSchema } from '../../../shared/server-api.js';
import {
  eventually, postJson, setState, signIn, SoftphoneClient, startTestServer, storeTargets, voiceToken, type TestServer,
} from './helpers.js';

describe.each(storeTargets())('simulated Twilio on $kind', (target) => {
  let test: TestServer;
  let base: string;
  const phones: SoftphoneClient[] = [];
  /** Calls a test placed; hung up after it, so no caller left in a queue is offered to the next test's agent. */
  const placed: string[] = [];

  const callRow = async (sid: string) =>
    (
      await test.server.store.query<{ status: string; queue: string; is_911_transfer: boolean; agent_id: string | null; answered_at: Date | null; ended_at: Date | null }>(
        'SELECT status, queue, is_911_transfer, agent_id, answered_at, ended_at FROM calls WHERE call_sid = $1',
        [sid],
      )
    )[0];
  const agentState = async (id: string) =>
    (await test.server.store.query<{ state: string }>('SELECT state FROM agents WHERE id = $1', [id]))[0]?.state;

  async function onlineAgent(agentId: string): Promise<SoftphoneClient> {
    const accessToken = await signIn(base, agentId);
    const phone = await SoftphoneClient.connect(base);
    phones.push(phone);
    await phone.register(agentId, await voiceToken(base, accessToken));
    await setState(base, accessToken, 'available');
    return phone;
  }

  async function placeCall(body: Record<string, unknown>) {
    const response = await postJson(`${base}/sim/calls`, body);
    expect(response.status).toBe(200);
    const call = SimCallResponseSchema.parse(await response.json());
    placed.push(call.callSid);
    return call;
  }

  beforeAll(async () => {
    // A short ring timeout, so the no-answer path runs in a test's time.
    test = await startTestServer(target, { ringTimeoutSeconds: 3 });
    base = test.url;
  });
  afterAll(async () => {
    await test?.dispose();
  });
  beforeEach(async () => {
    await test.server.store.query("UPDATE agents SET state = 'offline'");
    // A caller a test left waiting would otherwise be offered to the next test's agents.
    await test.server.store.query("UPDATE calls SET status = 'ended', ended_at = now() WHERE ended_at IS NULL");
  });
  afterEach(async () => {
    for (const phone of phones.splice(0)) phone.close();
    for (const callSid of placed.splice(0)) await postJson(`${base}/sim/calls/${callSid}/hangup`, {});
  });

  it('rings a registered softphone, and accepting answers the call in the database', async () => {
    const phone = await onlineAgent('demo-calltaker');
    const placed = await placeCall({ from: '(215) 555-0142' });
    expect(placed.routedTo).toBe('demo-calltaker');

    const invite = await phone.waitFor('invite', (message) => message.callSid === placed.callSid);
    expect(invite.from).toBe('+12155550142');
    expect(invite.to).toBe('+12155550311');
    const incoming = IncomingCallSchema.parse({
      callId: invite.params.callId,
      callSid: invite.callSid,
      from: invite.from,
      to: invite.to,
      queue: invite.params.queue,
      is911Transfer: invite.params.is911Transfer === 'true',
      receivedAt: invite.params.receivedAt,
    });
    expect(incoming).toMatchObject({ queue: 'general', is911Transfer: false });
    expect(await callRow(placed.callSid)).toMatchObject({ status: 'ringing', agent_id: 'demo-calltaker' });

    phone.send({ type: 'accept', callSid: placed.callSid });
    await eventually(async () => (await callRow(placed.callSid))?.status === 'answered');
    expect((await callRow(placed.callSid))?.answered_at).toBeInstanceOf(Date);
    expect(await agentState('demo-calltaker')).toBe('on_call');

    // The caller hangs up: the softphone is told, the call ends and the agent is free again.
    const hangup = await postJson(`${base}/sim/calls/${placed.callSid}/hangup`, {});
    expect(hangup.status).toBe(200);
    await phone.waitFor('disconnect', (message) => message.callSid === placed.callSid);
    await eventually(async () => (await callRow(placed.callSid))?.status === 'ended');
    expect(await agentState('demo-calltaker')).toBe('wrap_up');
    const again = await postJson(`${base}/sim/calls/${placed.callSid}/hangup`, {});
    expect(again.status).toBe(404);
  });

  it('ends the call when the agent hangs up, through the <Dial> action', async () => {
    const phone = await onlineAgent('demo-calltaker');
    const placed = await placeCall({ from: '+12155550177' });
    await phone.waitFor('invite');
    phone.send({ type: 'accept', callSid: placed.callSid });
    await eventually(async () => (await callRow(placed.callSid))?.status === 'answered');
    phone.send({ type: 'hangup', callSid: placed.callSid });
    await eventually(async () => (await callRow(placed.callSid))?.status === 'ended');
    // The caller's leg completes last, after the <Dial> action answered with <Hangup>.
    const events = await eventually(async () => {
      const rows = await test.server.store.query<{ status: string }>(
        "SELECT status FROM call_events WHERE params ->> 'CallSid' = $1 OR params ->> 'ParentCallSid' = $1 ORDER BY id",
        [placed.callSid],
      );
      return rows.length >= 6 ? rows : null;
    });
    expect(events.map((event) => event.status)).toEqual(['initiated', 'ringing', 'in-progress', 'completed', 'dial:completed', 'completed']);
    expect(await agentState('demo-calltaker')).toBe('wrap_up');
  });

  it('gives up ringing after the <Dial> timeout and requeues the caller', async () => {
    const phone = await onlineAgent('demo-calltaker');
    const placed = await placeCall({ from: '+12155550142' });
    expect(placed.twiml).toContain('timeout="3"');
    await phone.waitFor('invite', (message) => message.callSid === placed.callSid);
    await phone.waitFor('cancel', (message) => message.callSid === placed.callSid, 8_000);
    await eventually(async () => (await callRow(placed.callSid))?.status === 'queued');
    const statuses = await test.server.store.query<{ status: string }>(
      "SELECT status FROM call_events WHERE params ->> 'ParentCallSid' = $1 OR params ->> 'CallSid' = $1 ORDER BY id",
      [placed.callSid],
    );
    expect(statuses.map((row) => row.status)).toEqual(['initiated', 'ringing', 'no-answer', 'dial:no-answer']);
  });

  it('sends a 911 transfer to a triage agent with is911Transfer=true', async () => {
    // Both demo call-takers are triage-trained; the one idle longest gets the transfer.
    const triage = await onlineAgent('demo-triage');
    await onlineAgent('demo-calltaker');
    const placed = await placeCall({ from: '+12155559000', transfer911: true });
    expect(placed.routedTo).toBe('demo-triage');
    const invite = await triage.waitFor('invite', (message) => message.callSid === placed.callSid);
    expect(invite.to).toBe('+12155550911');
    expect(invite.params).toMatchObject({ queue: 'triage', is911Transfer: 'true' });
    expect(await callRow(placed.callSid)).toMatchObject({ queue: 'triage', is_911_transfer: true, agent_id: 'demo-triage' });
  });

  it('requeues the call when the agent rejects it, and cancels a ringing call when the caller hangs up', async () => {
    const phone = await onlineAgent('demo-calltaker');
    const rejected = await placeCall({ from: '+12155550142' });
    await phone.waitFor('invite', (message) => message.callSid === rejected.callSid);
    phone.send({ type: 'reject', callSid: rejected.callSid });
    await eventually(async () => (await callRow(rejected.callSid))?.status === 'queued');
    expect((await callRow(rejected.callSid))?.agent_id).toBeNull();

    const abandoned = await placeCall({ from: '+12155550199' });
    expect(abandoned.routedTo).toBe('demo-calltaker');
    await phone.waitFor('invite', (message) => message.callSid === abandoned.callSid);
    await postJson(`${base}/sim/calls/${abandoned.callSid}/hangup`, {});
    await phone.waitFor('cancel', (message) => message.callSid === abandoned.callSid);
    await eventually(async () => (await callRow(abandoned.callSid))?.status === 'ended');
    expect((await callRow(abandoned.callSid))?.answered_at).toBeNull();
  });

  it('rejects unknown tokens and bad messages on register, and the socket stays usable', async () => {
    const phone = await SoftphoneClient.connect(base);
    phones.push(phone);
    phone.send({ type: 'register', identity: 'demo-calltaker', token: 'not-a-real-token' });
    expect((await phone.waitFor('error')).code).toBe(20101);

    const otherAgentsToken = await voiceToken(base, await signIn(base, 'demo-triage'));
    phone.send({ type: 'register', identity: 'demo-calltaker', token: otherAgentsToken });
    await eventually(async () => phone.messages.filter((message) => message.type === 'error').length === 2);

    phone.send('{not json');
    phone.send({ type: 'dance', callSid: 'x' });
    await eventually(async () => phone.messages.filter((message) => message.type === 'error').length === 4);
    expect(phone.messages.filter((message) => message.type === 'error').map((message) => message.type === 'error' && message.code)).toEqual([
      20101, 20101, 31100, 31100,
    ]);

    phone.send({ type: 'accept', callSid: 'CA0' });
    await eventually(async () => phone.messages.filter((message) => message.type === 'error').length === 5);

    await phone.register('demo-calltaker', await voiceToken(base, await signIn(base, 'demo-calltaker')));
    expect(phone.messages.at(-1)).toEqual({ type: 'registered', identity: 'demo-calltaker' });
  });

  it('rejects malformed call requests', async () => {
    const response = await postJson(`${base}/sim/calls`, { to: '+12155550311' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
  });
});
