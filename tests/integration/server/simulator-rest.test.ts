// The simulated Twilio's REST API and conferences, driven through the `twilio` library exactly as
// production drives api.twilio.com (TwilioVoiceApi with the simulator's HTTP client). A small
// fake webhook server on 127.0.0.1 stands in for our own /twilio/* webhooks and answers the TwiML
// each test wants, checking every request's X-Twilio-Signature.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimCallResponseSchema } from '../../../shared/server-api.js';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { SimulatedTwilioHttpClient, TwilioApiError, TwilioVoiceApi } from '../../../server/telephony/twilio-voice-api.js';
import { eventually, postJson, signIn, SoftphoneClient, startTestServer, voiceToken, type TestServer } from './helpers.js';

interface Hook {
  method: string;
  path: string;
  params: Record<string, string>;
  signedByTwilio: boolean;
}

/** Answers each webhook path with TwiML (or nothing) and records what arrived, in order. */
class FakeWebhooks {
  readonly hooks: Hook[] = [];
  readonly answers = new Map<string, (params: Record<string, string>) => string>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', this.url);
        const fullUrl = `${this.url}${request.url ?? '/'}`;
        const formParams = Object.fromEntries(new URLSearchParams(body));
        const signature = String(request.headers['x-twilio-signature'] ?? '');
        const signedByTwilio =
          request.method === 'GET'
            ? twilio.validateRequest(SIMULATED_TWILIO.authToken, signature, fullUrl, {})
            : twilio.validateRequest(SIMULATED_TWILIO.authToken, signature, fullUrl, formParams);
        const params = request.method === 'GET' ? Object.fromEntries(url.searchParams) : formParams;
        this.hooks.push({ method: request.method ?? '', path: url.pathname, params, signedByTwilio });
        const answer = this.answers.get(url.pathname);
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(answer ? answer(params) : '<Response/>');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string, twiml: string | ((params: Record<string, string>) => string)): void {
    this.answers.set(path, typeof twiml === 'string' ? () => twiml : twiml);
  }

  at(path: string): Hook[] {
    return this.hooks.filter((hook) => hook.path === path);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const twiml = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

describe('simulated Twilio REST API and conferences', () => {
  let test: TestServer;
  let base: string;
  const webhooks = new FakeWebhooks();
  let voiceApi: TwilioVoiceApi;
  const phones: SoftphoneClient[] = [];
  const placed: string[] = [];

  const simCall = async (callSid: string) => {
    const response = await fetch(`${base}/sim/calls/${callSid}`);
    return response.status === 200 ? ((await response.json()) as { state: string; digits: string; heard: string[]; dial: { childSid: string } | null; conference: string | null }) : null;
  };
  const simConference = async (name: string) => {
    const response = await fetch(`${base}/sim/conferences/${encodeURIComponent(name)}`);
    return response.status === 200
      ? ((await response.json()) as { sid: string; status: string; participants: Array<{ callSid: string; label: string | null; hold: boolean }> })
      : null;
  };

  async function placeCall(from: string) {
    const response = await postJson(`${base}/sim/calls`, { from });
    expect(response.status).toBe(200);
    const call = SimCallResponseSchema.parse(await response.json());
    placed.push(call.callSid);
    return call;
  }

  async function softphone(agentId: string): Promise<SoftphoneClient> {
    const phone = await SoftphoneClient.connect(base);
    phones.push(phone);
    await phone.register(agentId, await voiceToken(base, await signIn(base, agentId)));
    return phone;
  }

  beforeAll(async () => {
    await webhooks.start();
    // Twilio is configured with the fake server's URL, so every webhook goes there.
    test = await startTestServer({ kind: 'pglite' }, { publicUrl: webhooks.url });
    base = test.url;
    voiceApi = new TwilioVoiceApi({
      accountSid: SIMULATED_TWILIO.accountSid,
      apiKeySid: SIMULATED_TWILIO.apiKeySid,
      apiKeySecret: SIMULATED_TWILIO.apiKeySecret,
      httpClient: new SimulatedTwilioHttpClient(() => base),
    });
  });
  afterAll(async () => {
    await test?.dispose();
    await webhooks.close();
  });
  afterEach(async () => {
    for (const phone of phones.splice(0)) phone.close();
    for (const callSid of placed.splice(0)) await postJson(`${base}/sim/calls/${callSid}/hangup`, {});
    webhooks.hooks.length = 0;
    webhooks.answers.clear();
  });

  it('refuses REST requests with a bad password (20003) and answers 20404 for an unknown call', async () => {
    const intruder = new TwilioVoiceApi({
      accountSid: SIMULATED_TWILIO.accountSid,
      authToken: 'not-the-auth-token',
      httpClient: new SimulatedTwilioHttpClient(() => base),
    });
    const refused = await intruder.endCall(`CA${'1'.repeat(32)}`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TwilioApiError);
    expect(refused).toMatchObject({ status: 401, code: 20003 });

    const unknown = await voiceApi.endCall(`CA${'1'.repeat(32)}`).catch((error: unknown) => error);
    expect(unknown).toMatchObject({ status: 404, code: 20404 });

    // The account's auth token works as well as the API key.
    const raw = await fetch(`${base}/sim/twilio-api/2010-04-01/Accounts/${SIMULATED_TWILIO.accountSid}/Conferences.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${SIMULATED_TWILIO.accountSid}:${SIMULATED_TWILIO.authToken}`).toString('base64')}` },
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ conferences: expect.any(Array) });
  });

  it('moves a bridged <Dial> into a conference: the softphone stays connected, hold and leave arrive signed and in order', async () => {
    const phone = await softphone('demo-calltaker');
    webhooks.on(
      '/twilio/voice',
      twiml(`<Dial action="/dial-done" timeout="20"><Client><Identity>demo-calltaker</Identity><Parameter name="callId" value="c-1"/></Client></Dial>`),
    );
    const conferenceTwiml = (extra: string) =>
      twiml(`<Dial><Conference statusCallback="/conference" statusCallbackEvent="start end join leave hold" ${extra}>call-c-1</Conference></Dial>`);
    webhooks.on('/dial-done', conferenceTwiml('endConferenceOnExit="false"'));
    webhooks.on('/hold-music', twiml('<Say>Please hold</Say>'));

    const call = await placeCall('+12155550142');
    const invite = await phone.waitFor('invite', (message) => message.callSid === call.callSid);
    expect(invite.params).toMatchObject({ callId: 'c-1' });
    phone.send({ type: 'accept', callSid: call.callSid });
    const agentLeg = (await eventually(async () => (await simCall(call.callSid))?.state === 'bridged' && simCall(call.callSid)))?.dial?.childSid;
    expect(agentLeg).toMatch(/^CA[0-9a-f]{32}$/);

    // The agent's leg (the <Dial> child) is redirected into the conference through the REST API.
    await voiceApi.redirectCall(agentLeg as string, conferenceTwiml('endConferenceOnExit="true"'));
    const action = await eventually(async () => webhooks.at('/dial-done')[0]);
    expect(action.params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: agentLeg, CallSid: call.callSid });
    expect(action.signedByTwilio).toBe(true);
    const conference = await eventually(async () => {
      const found = await simConference('call-c-1');
      return found?.participants.length === 2 ? found : null;
    });
    expect(conference.status).toBe('in-progress');
    expect(phone.messages.filter((message) => message.type === 'disconnect')).toEqual([]);

    // The library lists the conference by friendly name and its participants, as tests may.
    const rest = twilio(SIMULATED_TWILIO.apiKeySid, SIMULATED_TWILIO.apiKeySecret, {
      accountSid: SIMULATED_TWILIO.accountSid,
      httpClient: new SimulatedTwilioHttpClient(() => base),
    });
    const listed = await rest.conferences.list({ friendlyName: 'call-c-1', status: 'in-progress' });
    expect(listed.map((item) => item.sid)).toEqual([conference.sid]);
    const participants = await rest.conferences(conference.sid).participants.list();
    expect(participants.map((item) => item.callSid).sort()).toEqual([agentLeg, call.callSid].sort());

    // Hold and resume the caller; the hold music is fetched with GET (HoldMethod's default), signed.
    await voiceApi.updateParticipant(conference.sid, call.callSid, { hold: true, holdUrl: `${webhooks.url}/hold-music` });
    await eventually(async () => (await simConference('call-c-1'))?.participants.find((item) => item.callSid === call.callSid)?.hold === true);
    const music = await eventually(async () => webhooks.at('/hold-music')[0]);
    expect(music).toMatchObject({ method: 'GET', signedByTwilio: true });
    await eventually(async () => (await simCall(call.callSid))?.heard.includes('Please hold'));
    await voiceApi.updateParticipant(conference.sid, call.callSid, { hold: false });

    // DTMF from the softphone is recorded on the agent's leg.
    phone.send({ type: 'digits', callSid: call.callSid, digits: '12#' });
    await eventually(async () => (await simCall(agentLeg as string))?.digits === '12#');

    // The agent hangs up: with endConferenceOnExit the conference ends and the caller is hung up.
    phone.send({ type: 'hangup', callSid: call.callSid });
    const callerDone = await eventually(async () => webhooks.at('/twilio/status').find((hook) => hook.params.CallSid === call.callSid));
    expect(callerDone.params.CallStatus).toBe('completed');

    const events = await eventually(async () => {
      const hooks = webhooks.at('/conference');
      return hooks.some((hook) => hook.params.StatusCallbackEvent === 'conference-end') ? hooks : null;
    });
    expect(events.every((hook) => hook.signedByTwilio && hook.params.ConferenceSid === conference.sid)).toBe(true);
    const sequence = events.map((hook) => Number(hook.params.SequenceNumber));
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    const names = events.map((hook) => `${hook.params.StatusCallbackEvent}${hook.params.CallSid ? `:${hook.params.CallSid === agentLeg ? 'agent' : 'caller'}` : ''}`);
    // Who joins first depends on which leg's TwiML ran first; everything after is ordered.
    expect(names.slice(0, 3).sort()).toEqual(['conference-start', 'participant-join:agent', 'participant-join:caller']);
    expect(names[0]).not.toBe('conference-start');
    expect(names.slice(3)).toEqual([
      'participant-hold:caller',
      'participant-unhold:caller',
      'participant-leave:agent',
      'participant-leave:caller',
      'conference-end',
    ]);
    expect(events.at(-1)?.params).toMatchObject({ ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left', CallSidEndingConference: agentLeg });
  });

  it('rings a client: participant with its custom parameters and reports its progress signed', async () => {
    const triage = await softphone('demo-triage');
    webhooks.on('/twilio/voice', twiml('<Dial><Conference statusCallback="/conference" statusCallbackEvent="join leave">call-c-2</Conference></Dial>'));
    const call = await placeCall('+12155550177');
    await eventually(async () => (await simConference('call-c-2'))?.participants.length === 1);

    const { callSid } = await voiceApi.addParticipant('call-c-2', {
      from: '+12155550311',
      to: 'client:demo-triage',
      label: 'transfer',
      timeoutSeconds: 20,
      statusCallback: `${webhooks.url}/participant`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      clientParameters: { callId: 'c-2', transfer: 'warm' },
    });
    const invite = await triage.waitFor('invite', (message) => message.callSid === callSid);
    expect(invite.params).toMatchObject({ callId: 'c-2', transfer: 'warm', From: '+12155550311', To: 'client:demo-triage' });
    triage.send({ type: 'accept', callSid });
    const conference = await eventually(async () => {
      const found = await simConference('call-c-2');
      return found?.participants.length === 2 ? found : null;
    });
    expect(conference.participants.find((item) => item.callSid === callSid)?.label).toBe('transfer');

    await voiceApi.removeParticipant(conference.sid, callSid);
    await triage.waitFor('disconnect', (message) => message.callSid === callSid);
    const progress = await eventually(async () => {
      const hooks = webhooks.at('/participant');
      return hooks.length === 4 ? hooks : null;
    });
    expect(progress.map((hook) => hook.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    for (const hook of progress) {
      expect(hook.signedByTwilio).toBe(true);
      expect(hook.params).toMatchObject({ CallSid: callSid, ConferenceSid: conference.sid, Label: 'transfer', Direction: 'outbound-api' });
    }
    // The caller is still in, alone.
    expect((await simConference('call-c-2'))?.participants.map((item) => item.callSid)).toEqual([call.callSid]);
  });

  it('reports no-answer from an outside line that does not answer, and busy from a busy one', async () => {
    webhooks.on('/twilio/voice', twiml('<Dial><Conference>call-c-3</Conference></Dial>'));
    await placeCall('+12155550188');
    await eventually(async () => (await simConference('call-c-3'))?.participants.length === 1);
    expect((await fetch(`${base}/sim/numbers/+12155550400`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer: 'no-answer' }) })).status).toBe(200);
    expect((await fetch(`${base}/sim/numbers/+12155550401`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer: 'busy' }) })).status).toBe(200);

    const common = { from: '+12155550311', timeoutSeconds: 5, statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] as const };
    const silent = await voiceApi.addParticipant('call-c-3', { ...common, to: '+12155550400', label: 'department', statusCallback: `${webhooks.url}/silent` });
    const busy = await voiceApi.addParticipant('call-c-3', { ...common, to: '+12155550401', label: 'other', statusCallback: `${webhooks.url}/busy` });
    const answered = await voiceApi.addParticipant('call-c-3', { ...common, to: '+12155550402', label: 'answers', statusCallback: `${webhooks.url}/answers` });

    const busyEnd = await eventually(async () => webhooks.at('/busy').find((hook) => hook.params.CallSid === busy.callSid && hook.params.CallStatus === 'busy'));
    expect(busyEnd.signedByTwilio).toBe(true);
    await eventually(async () => (await simConference('call-c-3'))?.participants.some((item) => item.callSid === answered.callSid));
    const noAnswer = await eventually(
      async () => webhooks.at('/silent').find((hook) => hook.params.CallStatus === 'no-answer'),
      9_000,
    );
    expect(noAnswer.params).toMatchObject({ CallSid: silent.callSid, Label: 'department' });
    expect(webhooks.at('/silent').map((hook) => hook.params.CallStatus)).toEqual(['initiated', 'ringing', 'no-answer']);
    expect((await simConference('call-c-3'))?.participants.map((item) => item.label ?? 'caller').sort()).toEqual(['answers', 'caller']);
  }, 15_000);

  it('plays the wait URL to a lone caller until a second participant starts the conference; a line that hangs up leaves it', async () => {
    webhooks.on('/twilio/voice', twiml('<Dial><Conference waitUrl="/conference-wait" statusCallback="/conference" statusCallbackEvent="start end join leave">call-c-4</Conference></Dial>'));
    webhooks.on('/conference-wait', twiml('<Say>Please wait for the department</Say>'));
    const call = await placeCall('+12155550155');
    await eventually(async () => (await simCall(call.callSid))?.heard.includes('Please wait for the department'));
    expect(webhooks.at('/conference-wait')[0]).toMatchObject({ method: 'POST', signedByTwilio: true });
    expect((await simConference('call-c-4'))?.status).toBe('init');

    const put = await fetch(`${base}/sim/numbers/+12155550403`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: 'answer', afterMs: 100, hangUpAfterMs: 400 }),
    });
    expect(put.status).toBe(200);
    const line = await voiceApi.addParticipant('call-c-4', {
      from: '+12155550311',
      to: '+12155550403',
      label: 'department',
      timeoutSeconds: 10,
      statusCallback: `${webhooks.url}/line`,
      statusCallbackEvent: ['answered', 'completed'],
    });
    await eventually(async () => (await simConference('call-c-4'))?.status === 'in-progress');
    const completed = await eventually(async () => webhooks.at('/line').find((hook) => hook.params.CallStatus === 'completed'));
    expect(completed.params).toMatchObject({ CallSid: line.callSid, Label: 'department' });
    expect(webhooks.at('/line').map((hook) => hook.params.CallStatus)).toEqual(['in-progress', 'completed']);
    // The caller stays; the conference goes on without the line.
    expect((await simConference('call-c-4'))?.participants.map((item) => item.callSid)).toEqual([call.callSid]);
    const events = await eventually(async () => {
      const hooks = webhooks.at('/conference');
      return hooks.length >= 4 ? hooks.map((hook) => hook.params.StatusCallbackEvent) : null;
    });
    expect(events).toEqual(['participant-join', 'participant-join', 'conference-start', 'participant-leave']);
  });

  it('tells the wait URL the queue position, and a dequeued caller runs its new TwiML', async () => {
    webhooks.on('/twilio/voice', twiml('<Enqueue waitUrl="/wait">general</Enqueue>'));
    webhooks.on('/wait', (params) => twiml(`<Say>You are number ${params.QueuePosition}</Say>`));
    const first = await placeCall('+12155550101');
    const second = await placeCall('+12155550102');
    const waits = await eventually(async () => {
      const hooks = webhooks.at('/wait');
      return hooks.length === 2 ? hooks : null;
    });
    expect(waits.map((hook) => [hook.params.CallSid, hook.params.QueuePosition, hook.params.CurrentQueueSize])).toEqual([
      [first.callSid, '1', '1'],
      [second.callSid, '2', '2'],
    ]);
    expect(waits.every((hook) => hook.signedByTwilio && /^QU[0-9a-f]{32}$/.test(hook.params.QueueSid ?? '') && hook.params.QueueTime !== undefined && hook.params.AvgQueueTime !== undefined)).toBe(true);
    await eventually(async () => (await simCall(second.callSid))?.heard.includes('You are number 2'));

    await voiceApi.redirectCall(first.callSid, twiml('<Say>Connecting you now</Say><Pause length="30"/>'));
    await eventually(async () => (await simCall(first.callSid))?.heard.includes('Connecting you now'));
    expect((await simCall(first.callSid))?.state).toBe('running');
    // The caller behind moves up and hears the new position.
    const moved = await eventually(async () => webhooks.at('/wait').find((hook) => hook.params.CallSid === second.callSid && hook.params.QueuePosition === '1'));
    expect(moved.params.CurrentQueueSize).toBe('1');

    // Ending a call through the REST API reports it completed.
    await voiceApi.endCall(first.callSid);
    const done = await eventually(async () => webhooks.at('/twilio/status').find((hook) => hook.params.CallSid === first.callSid));
    expect(done.params.CallStatus).toBe('completed');
    expect(await simCall(first.callSid)).toBeNull();
  });
});
