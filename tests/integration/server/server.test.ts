// The real server over HTTP on each store: health, sign-in, signed Twilio webhooks and what
// they record, and sync pull paging over the seeded change log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyVoiceToken } from '../../../server/telephony/voice-token.js';
import { DEMO_SEED_PASSWORD, SIMULATED_TWILIO } from '../../../server/config.js';
import { HealthSchema, ServerErrorBodySchema, SignedInSchema } from '../../../shared/server-api.js';
import { parseSyncedRow, PullResponseSchema, type RowChange } from '../../../shared/sync-protocol.js';
import {
  postForm, postJson, setState, signIn, startTestServer, storeTargets, twilioSignature, type TestServer,
} from './helpers.js';

const CALL_SID = (n: number) => `CA${n.toString(16).padStart(32, '0')}`;

function voiceParams(callSid: string, from: string, to: string): Record<string, string> {
  return {
    AccountSid: SIMULATED_TWILIO.accountSid, ApiVersion: '2010-04-01', CallSid: callSid, CallStatus: 'ringing',
    Direction: 'inbound', From: from, To: to, Caller: from, Called: to,
  };
}

describe.each(storeTargets())('central server on $kind', (target) => {
  let test: TestServer;
  let base: string;
  let calltakerToken: string;
  let sidCounter = 1;

  const callRows = (sid: string) =>
    test.server.store.query<{ status: string; queue: string; is_911_transfer: boolean; agent_id: string | null; answered_at: Date | null; ended_at: Date | null }>(
      'SELECT status, queue, is_911_transfer, agent_id, answered_at, ended_at FROM calls WHERE call_sid = $1',
      [sid],
    );
  const agentState = async (id: string) =>
    (await test.server.store.query<{ state: string }>('SELECT state FROM agents WHERE id = $1', [id]))[0]?.state;
  const signedPost = (path: string, params: Record<string, string>) =>
    postForm(`${base}${path}`, params, twilioSignature(test.authToken, `${base}${path}`, params));

  beforeAll(async () => {
    test = await startTestServer(target);
    base = test.url;
    calltakerToken = await signIn(base, 'demo-calltaker');
  });
  afterAll(async () => {
    await test?.dispose();
  });
  beforeEach(async () => {
    await test.server.store.query("UPDATE agents SET state = 'offline'");
    await test.server.store.query("UPDATE calls SET status = 'ended', ended_at = now() WHERE ended_at IS NULL");
  });

  it('reports health with its store kind', async () => {
    const response = await fetch(`${base}/health`);
    expect(HealthSchema.parse(await response.json())).toEqual({ ok: true, store: target.kind, version: expect.any(String) });
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('signs agents in, refuses unsigned requests and bad bodies with catalogue codes', async () => {
    const response = await postJson(`${base}/auth/sign-in`, { agentId: 'demo-triage', password: DEMO_SEED_PASSWORD });
    const signedIn = SignedInSchema.parse(await response.json());
    expect(signedIn.agent).toMatchObject({ id: 'demo-triage', displayName: 'Sam Okafor', role: 'triage_call_taker', skills: ['general', 'triage'] });

    const unsigned = await postJson(`${base}/sync/pull`, {});
    expect(unsigned.status).toBe(401);
    expect(ServerErrorBodySchema.parse(await unsigned.json()).error).toEqual({ code: 'UNAUTHORIZED', message: 'sign in first' });
    const forged = await postJson(`${base}/sync/pull`, {}, `${signedIn.accessToken.slice(0, -2)}xx`);
    expect(forged.status).toBe(401);

    const bad = await postJson(`${base}/auth/sign-in`, { agentId: 'Not An Id!', password: 'x' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    const noPassword = await postJson(`${base}/auth/sign-in`, { agentId: 'demo-triage' });
    expect(noPassword.status).toBe(400);
    const unknown = await postJson(`${base}/auth/sign-in`, { agentId: 'nobody-here', password: DEMO_SEED_PASSWORD });
    expect(unknown.status).toBe(401);
    expect(ServerErrorBodySchema.parse(await unknown.json()).error.code).toBe('INVALID_CREDENTIALS');

    const state = await fetch(`${base}/agents/me/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signedIn.accessToken}` },
      body: JSON.stringify({ state: 'away', reason: 'lunch' }),
    });
    expect(await state.json()).toMatchObject({ id: 'demo-triage', state: 'away', stateReason: 'lunch' });
  });

  it('issues a Twilio voice token for the signed-in agent', async () => {
    const response = await fetch(`${base}/twilio/token`, { headers: { authorization: `Bearer ${calltakerToken}` } });
    const body = (await response.json()) as { identity: string; token: string; expiresAt: string };
    expect(body.identity).toBe('demo-calltaker');
    expect(verifyVoiceToken(SIMULATED_TWILIO, body.token)).toEqual({ ok: true, identity: 'demo-calltaker' });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
  });

  it('answers a signed voice webhook with TwiML dialling an available agent, and records the call', async () => {
    await setState(base, calltakerToken, 'available');
    const sid = CALL_SID(sidCounter++);
    const response = await signedPost('/twilio/voice', voiceParams(sid, '+12155550142', '+12155550311'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/xml/);
    const twiml = await response.text();
    expect(twiml).toContain('<Dial answerOnBridge="true" timeout="20" action="/twilio/dial-result">');
    expect(twiml).toContain('<Identity>demo-calltaker</Identity>');
    expect(twiml).toContain('<Parameter name="queue" value="general"/>');
    expect(twiml).toContain('<Parameter name="is911Transfer" value="false"/>');
    expect(await callRows(sid)).toEqual([
      { status: 'ringing', queue: 'general', is_911_transfer: false, agent_id: 'demo-calltaker', answered_at: null, ended_at: null },
    ]);
  });

  it('enqueues when no agent is available', async () => {
    const sid = CALL_SID(sidCounter++);
    const response = await signedPost('/twilio/voice', voiceParams(sid, '+12155550177', '+12155550311'));
    const twiml = await response.text();
    expect(twiml).toMatch(/<Say>[^<]+<\/Say><Enqueue waitUrl="\/twilio\/queue-wait" waitUrlMethod="POST">general<\/Enqueue>/);
    expect((await callRows(sid))[0]).toMatchObject({ status: 'queued', agent_id: null });
  });

  it('refuses voice webhooks with a bad or missing signature and stores nothing', async () => {
    const badSid = CALL_SID(sidCounter++);
    const params = voiceParams(badSid, '+12155550142', '+12155550311');
    const wrongUrl = twilioSignature(test.authToken, 'https://elsewhere.example.com/twilio/voice', params);
    const bad = await postForm(`${base}/twilio/voice`, params, wrongUrl);
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('TWILIO_SIGNATURE_INVALID');
    const tampered = await postForm(`${base}/twilio/voice`, { ...params, From: '+12155550100' }, twilioSignature(test.authToken, `${base}/twilio/voice`, params));
    expect(tampered.status).toBe(403);
    const missing = await postForm(`${base}/twilio/voice`, params);
    expect(missing.status).toBe(403);
    expect(await callRows(badSid)).toEqual([]);
    const events = await test.server.store.query('SELECT 1 FROM call_events WHERE call_sid = $1', [badSid]);
    expect(events).toEqual([]);
  });

  it('moves a call along on status callbacks: answered puts the agent on a call, completed frees them', async () => {
    await setState(base, calltakerToken, 'available');
    const sid = CALL_SID(sidCounter++);
    await signedPost('/twilio/voice', voiceParams(sid, '+12155550142', '+12155550311'));
    const childSid = CALL_SID(900 + sidCounter++);
    const leg = (status: string) => ({
      AccountSid: SIMULATED_TWILIO.accountSid, CallSid: childSid, ParentCallSid: sid, CallStatus: status,
      Direction: 'outbound-dial', From: '+12155550142', To: 'client:demo-calltaker',
    });

    expect((await signedPost('/twilio/status', leg('ringing'))).status).toBe(200);
    expect((await callRows(sid))[0]?.status).toBe('ringing');
    await signedPost('/twilio/status', leg('in-progress'));
    expect((await callRows(sid))[0]).toMatchObject({ status: 'answered', answered_at: expect.any(Date), ended_at: null });
    expect(await agentState('demo-calltaker')).toBe('on_call');

    await signedPost('/twilio/status', leg('completed'));
    expect((await callRows(sid))[0]).toMatchObject({ status: 'ended', ended_at: expect.any(Date) });
    // Wrap-up first (timed); routing.test.ts follows it back to available.
    expect(await agentState('demo-calltaker')).toBe('wrap_up');
    const events = await test.server.store.query<{ status: string }>('SELECT status FROM call_events WHERE call_sid = $1 ORDER BY id', [childSid]);
    expect(events.map((e) => e.status)).toEqual(['ringing', 'in-progress', 'completed']);

    const unsigned = await postForm(`${base}/twilio/status`, leg('completed'));
    expect(unsigned.status).toBe(403);
  });

  it('requeues the caller when the agent does not answer the <Dial>', async () => {
    await setState(base, calltakerToken, 'available');
    const sid = CALL_SID(sidCounter++);
    await signedPost('/twilio/voice', voiceParams(sid, '+12155550142', '+12155550311'));
    const result = await signedPost('/twilio/dial-result', {
      ...voiceParams(sid, '+12155550142', '+12155550311'), CallStatus: 'in-progress', DialCallStatus: 'no-answer',
    });
    expect(await result.text()).toContain('>general</Enqueue>');
    expect((await callRows(sid))[0]).toMatchObject({ status: 'queued', agent_id: null });
  });

  it('sends calls to a 911-transfer number to the triage queue with a triage agent', async () => {
    const triageToken = await signIn(base, 'demo-triage');
    // Both demo call-takers are triage-trained; the one idle longest gets the transfer.
    await setState(base, triageToken, 'available');
    await setState(base, calltakerToken, 'available');
    const sid = CALL_SID(sidCounter++);
    const twiml = await (await signedPost('/twilio/voice', voiceParams(sid, '+12155559000', '+12155550911'))).text();
    expect(twiml).toContain('<Identity>demo-triage</Identity>');
    expect(twiml).toContain('<Parameter name="is911Transfer" value="true"/>');
    expect((await callRows(sid))[0]).toMatchObject({ queue: 'triage', is_911_transfer: true, agent_id: 'demo-triage' });

    // The SIP header marks a transfer arriving on the main number too.
    await setState(base, triageToken, 'offline');
    await setState(base, calltakerToken, 'away');
    const sipSid = CALL_SID(sidCounter++);
    const sipTwiml = await (
      await signedPost('/twilio/voice', { ...voiceParams(sipSid, '+12155559000', '+12155550311'), 'SipHeader_X-Frontdesk-Transfer': '911' })
    ).text();
    expect(sipTwiml).toContain('>triage</Enqueue>');
  });

  it('pages through the whole change log once, in version order, from any cursor', async () => {
    const pull = async (cursor: number, limit: number) => {
      const response = await postJson(
        `${base}/sync/pull`,
        { protocolVersion: 1, schemaVersion: 1, clientId: 'test-client-1', cursor, limit },
        calltakerToken,
      );
      expect(response.status, await response.clone().text()).toBe(200);
      return PullResponseSchema.parse(await response.json());
    };
    const seen: RowChange[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const page = await pull(cursor, 97);
      pages++;
      seen.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) {
        expect(page.cursor).toBe(page.headVersion);
        break;
      }
    }
    const versions = seen.map((change) => change.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(pages).toBe(Math.ceil(seen.length / 97));

    const [logCount] = await test.server.store.query<{ n: number }>('SELECT count(*)::int8 AS n FROM change_log');
    expect(seen.length).toBe(logCount?.n);
    const byEntity = (entity: string) => seen.filter((change) => change.entity === entity).length;
    expect(byEntity('service_type')).toBe(64);
    expect(byEntity('neighborhood')).toBe(158);
    expect(byEntity('caller')).toBe(55);
    expect(byEntity('service_request')).toBe(156);
    for (const change of seen) if (change.op === 'put') parseSyncedRow(change.entity, change.row);

    // Resuming from the middle returns exactly the rest.
    const half = Math.floor(versions.length / 2);
    const rest = await pull(versions[half - 1] as number, 10_000);
    expect(rest.changes.map((change) => change.version)).toEqual(versions.slice(half));
    const atHead = await pull(cursor, 100);
    expect(atHead).toMatchObject({ changes: [], hasMore: false, cursor });
  });

  it('refuses another sync protocol version and malformed pulls', async () => {
    const other = await postJson(`${base}/sync/pull`, { protocolVersion: 2, schemaVersion: 1, clientId: 'test-client-1', cursor: 0 }, calltakerToken);
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('SYNC_PROTOCOL_MISMATCH');
    const malformed = await postJson(`${base}/sync/pull`, { protocolVersion: 1, schemaVersion: 1, clientId: 'x', cursor: -1 }, calltakerToken);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
  });
});
