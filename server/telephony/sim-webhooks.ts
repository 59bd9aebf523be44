// How the simulated Twilio talks to webhooks: the parameters Twilio sends for each kind of
// request, and a POST signed with X-Twilio-Signature exactly as Twilio signs it.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export function newSid(prefix: 'CA' | 'CF' | 'QU'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export function newCallSid(): string {
  return newSid('CA');
}

const PHILADELPHIA_AREA_CODES = new Set(['215', '267', '445']);

/** Caller-id geography as Twilio fills it: known for Philadelphia numbers, empty otherwise. */
function geography(number: string): { City: string; State: string; Zip: string; Country: string } {
  const match = /^\+1(\d{3})\d{7}$/.exec(number);
  if (!match) return { City: '', State: '', Zip: '', Country: '' };
  if (PHILADELPHIA_AREA_CODES.has(match[1] as string)) return { City: 'PHILADELPHIA', State: 'PA', Zip: '', Country: 'US' };
  return { City: '', State: '', Zip: '', Country: 'US' };
}

function prefixed(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}${key}`, value]));
}

export interface CallIdentity {
  accountSid: string;
  callSid: string;
  from: string;
  to: string;
}

/** The incoming-call voice webhook's parameters, with Twilio's legacy Caller/Called mirrors. */
export function voiceWebhookParams(call: CallIdentity, callStatus: string): Record<string, string> {
  const fromGeo = geography(call.from);
  const toGeo = geography(call.to);
  return {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.callSid,
    CallStatus: callStatus,
    Direction: 'inbound',
    From: call.from,
    To: call.to,
    Caller: call.from,
    Called: call.to,
    ...prefixed('From', fromGeo),
    ...prefixed('To', toGeo),
    ...prefixed('Caller', fromGeo),
    ...prefixed('Called', toGeo),
  };
}

/** A status callback of the agent's leg (the <Dial><Client> child call). */
export function clientLegStatusParams(
  call: CallIdentity,
  leg: { childSid: string; identity: string; sequence: number },
  callStatus: string,
  durationSeconds?: number,
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: leg.childSid,
    ParentCallSid: call.callSid,
    CallStatus: callStatus,
    Direction: 'outbound-dial',
    From: call.from,
    To: `client:${leg.identity}`,
    Caller: call.from,
    Called: `client:${leg.identity}`,
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(leg.sequence),
    Timestamp: new Date().toUTCString(),
  };
  if (durationSeconds !== undefined) {
    params.CallDuration = String(durationSeconds);
    params.Duration = String(Math.max(1, Math.ceil(durationSeconds / 60)));
  }
  return params;
}

/** What Twilio posts to <Dial action> when the dialled leg is over. */
export function dialActionParams(
  call: CallIdentity,
  dial: { childSid: string; dialCallStatus: string; durationSeconds?: number },
  callStatus: string,
): Record<string, string> {
  const params: Record<string, string> = {
    ...voiceWebhookParams(call, callStatus),
    DialCallSid: dial.childSid,
    DialCallStatus: dial.dialCallStatus,
  };
  if (dial.durationSeconds !== undefined) params.DialCallDuration = String(dial.durationSeconds);
  return params;
}

/** The caller's own leg finishing, as the number's status callback receives it. */
export function parentStatusParams(call: CallIdentity, callStatus: string, durationSeconds: number, sequence: number): Record<string, string> {
  return {
    ...voiceWebhookParams(call, callStatus),
    CallDuration: String(durationSeconds),
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(sequence),
    Timestamp: new Date().toUTCString(),
  };
}

export interface WebhookAnswer {
  status: number;
  body: string;
  url: string;
}

/** A status callback of a call placed through the REST API (a conference participant's leg). */
export function outboundCallStatusParams(
  call: CallIdentity,
  leg: { sequence: number; conferenceSid: string | null; label: string | null },
  callStatus: string,
  durationSeconds?: number,
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.callSid,
    CallStatus: callStatus,
    Direction: 'outbound-api',
    From: call.from,
    To: call.to,
    Caller: call.from,
    Called: call.to,
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(leg.sequence),
    Timestamp: new Date().toUTCString(),
  };
  if (leg.conferenceSid) params.ConferenceSid = leg.conferenceSid;
  if (leg.label) params.Label = leg.label;
  if (durationSeconds !== undefined) {
    params.CallDuration = String(durationSeconds);
    params.Duration = String(Math.max(1, Math.ceil(durationSeconds / 60)));
  }
  return params;
}

export interface ConferenceEventParticipant {
  callSid: string;
  label: string | null;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
}

/** What Twilio posts to a conference's statusCallback (StatusCallbackEvent = conference-start, participant-join, ...). */
export function conferenceEventParams(
  conference: { accountSid: string; sid: string; friendlyName: string; sequence: number },
  event: string,
  participant?: ConferenceEventParticipant,
  extra: Record<string, string> = {},
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: conference.accountSid,
    ConferenceSid: conference.sid,
    FriendlyName: conference.friendlyName,
    StatusCallbackEvent: event,
    SequenceNumber: String(conference.sequence),
    Timestamp: new Date().toUTCString(),
  };
  if (participant) {
    params.CallSid = participant.callSid;
    if (participant.label) params.ParticipantLabel = participant.label;
    params.Muted = String(participant.muted);
    params.Hold = String(participant.hold);
    params.Coaching = String(participant.coaching);
    params.StartConferenceOnEnter = String(participant.startConferenceOnEnter);
    params.EndConferenceOnExit = String(participant.endConferenceOnExit);
  }
  return { ...params, ...extra };
}

/** What Twilio sends the <Enqueue waitUrl> each time it asks what the caller should hear. */
export function queueWaitParams(
  call: CallIdentity,
  queue: { sid: string; position: number; size: number; waitedSeconds: number; averageWaitSeconds: number },
): Record<string, string> {
  return {
    ...voiceWebhookParams(call, 'in-progress'),
    QueueSid: queue.sid,
    QueuePosition: String(queue.position),
    QueueTime: String(queue.waitedSeconds),
    AvgQueueTime: String(queue.averageWaitSeconds),
    CurrentQueueSize: String(queue.size),
  };
}

/** POSTs form parameters to a webhook with the signature Twilio would compute. */
export async function postSignedWebhook(authToken: string, url: string, params: Record<string, string>): Promise<WebhookAnswer> {
  return fetchSignedWebhook(authToken, 'POST', url, params);
}

/**
 * Asks a webhook for TwiML with either method. A GET carries the parameters in the query string,
 * so the signature covers that full URL and no body parameters, as Twilio signs it.
 */
export async function fetchSignedWebhook(
  authToken: string,
  method: 'GET' | 'POST',
  url: string,
  params: Record<string, string>,
): Promise<WebhookAnswer> {
  const headers = { 'user-agent': 'TwilioProxy/1.1 (Frontdesk311 simulator)' };
  if (method === 'GET') {
    const target = new URL(url);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    const signed = target.toString();
    const response = await fetch(signed, {
      headers: { ...headers, 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, signed, {}) },
    });
    return { status: response.status, body: await response.text(), url: signed };
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.text(), url };
}
