// The simulated Twilio's state: calls, their legs, queues and conferences, and how each is shown
// to tests (GET /sim/...) and to the REST API (Twilio's JSON resource shapes).
import type { WebSocket } from 'ws';
import type { SimVerb } from './sim-twiml.js';
import type { CallIdentity } from './sim-webhooks.js';

/** Where a call's audio ends up: the person who phoned in, an agent's softphone, or an outside line. */
export type SimEndpoint =
  | { kind: 'caller' }
  /** `key` is the call sid the softphone knows the call by (the parent's, for a <Dial><Client> leg). */
  | { kind: 'softphone'; identity: string; key: string; socket: WebSocket | null }
  | { kind: 'line'; number: string };

/** What a call does once the verb that holds it (<Dial>, <Enqueue>) is over. */
export interface SimContinuation {
  verbs: SimVerb[];
  documentUrl: string;
  action: string | null;
}

export interface SimDialLeg {
  identity: string;
  childSid: string;
  statusCallback: string | null;
  events: Set<string>;
  params: Record<string, string>;
  sequence: number;
  next: SimContinuation;
  timer?: NodeJS.Timeout;
  answeredAt?: number;
  answeredBy?: WebSocket;
}

export interface SimQueueSeat {
  name: string;
  enteredAt: number;
  waitUrl: string | null;
  next: SimContinuation;
  /** Stops the wait music when the caller moves up or leaves. */
  music: AbortController;
  /** Positions the wait URL was already fetched for, so a position is announced once. */
  announcedPosition: number;
  /** How many times the wait URL was fetched: a queue's music never loops for ever. */
  fetches: number;
}

/** A status callback subscription of a call we placed (a REST participant, or an agent leg split off its <Dial>). */
export interface SimProgress {
  url: string;
  events: Set<string>;
  sequence: number;
  params: (callStatus: string, sequence: number, durationSeconds?: number) => Record<string, string>;
}

export type SimCallState = 'ringing' | 'running' | 'dialing' | 'bridged' | 'queued' | 'conference' | 'completed';

export interface SimCall {
  identity: CallIdentity;
  direction: 'inbound' | 'outbound-dial' | 'outbound-api';
  parentSid: string | null;
  endpoint: SimEndpoint;
  state: SimCallState;
  /** Twilio's status once the call is over: completed, canceled, busy, no-answer. */
  endStatus: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  dial: SimDialLeg | null;
  queue: SimQueueSeat | null;
  conference: string | null;
  progress: SimProgress | null;
  /** DTMF the softphone sent on this call, in order. */
  digits: string[];
  /** <Say> texts and <Play> URLs the call heard, newest last (capped). */
  heard: string[];
  sequence: number;
  chain: Promise<unknown>;
  /** Aborted when the call leaves the TwiML it is running (a REST update, a hang-up). */
  run: AbortController;
}

export interface SimParticipant {
  callSid: string;
  label: string | null;
  status: 'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  callSidToCoach: string | null;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  holdUrl: string | null;
  holdMethod: 'GET' | 'POST';
  waitUrl: string | null;
  waitMethod: 'GET' | 'POST';
  /** Set for participants that joined through <Dial><Conference>: where their TwiML goes on. */
  next: SimContinuation | null;
  music: AbortController | null;
  createdAt: number;
  updatedAt: number;
}

export interface SimConference {
  sid: string;
  friendlyName: string;
  status: 'init' | 'in-progress' | 'completed';
  participants: Map<string, SimParticipant>;
  statusCallback: string | null;
  /** Short names as in TwiML: start end join leave mute hold modify. */
  events: Set<string>;
  sequence: number;
  chain: Promise<unknown>;
  createdAt: number;
  updatedAt: number;
  reasonEnded: string | null;
  callSidEnding: string | null;
}

export interface SimQueue {
  sid: string;
  name: string;
  members: SimCall[];
  servedCount: number;
  servedWaitSeconds: number;
}

export type LineBehaviour =
  | { answer: 'answer'; afterMs: number; hangUpAfterMs: number | null }
  | { answer: 'busy' }
  | { answer: 'no-answer' };

export const DEFAULT_LINE: LineBehaviour = { answer: 'answer', afterMs: 300, hangUpAfterMs: null };

export const twilioStatusOf = (call: SimCall): string =>
  call.state === 'completed' ? (call.endStatus ?? 'completed') : call.state === 'ringing' ? 'ringing' : 'in-progress';

/** What GET /sim/calls/:callSid shows. */
export function callView(call: SimCall) {
  return {
    callSid: call.identity.callSid,
    parentCallSid: call.parentSid,
    direction: call.direction,
    from: call.identity.from,
    to: call.identity.to,
    status: twilioStatusOf(call),
    state: call.state,
    softphone: call.endpoint.kind === 'softphone' ? call.endpoint.identity : null,
    dial: call.dial
      ? { childSid: call.dial.childSid, identity: call.dial.identity, answered: call.dial.answeredAt !== undefined }
      : null,
    queue: call.queue?.name ?? null,
    conference: call.conference,
    digits: call.digits.join(''),
    heard: [...call.heard],
  };
}

/** What GET /sim/conferences/:name shows. */
export function conferenceView(conference: SimConference) {
  return {
    sid: conference.sid,
    friendlyName: conference.friendlyName,
    status: conference.status,
    reasonEnded: conference.reasonEnded,
    participants: [...conference.participants.values()].map((participant) => ({
      callSid: participant.callSid,
      label: participant.label,
      status: participant.status,
      hold: participant.hold,
      muted: participant.muted,
      coaching: participant.coaching,
      endConferenceOnExit: participant.endConferenceOnExit,
    })),
  };
}

const rfc2822 = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toUTCString());
const apiBase = (accountSid: string): string => `/2010-04-01/Accounts/${accountSid}`;

/** Twilio's Call resource, as the REST API returns it. */
export function callResource(call: SimCall) {
  const base = apiBase(call.identity.accountSid);
  const duration = call.answeredAt && call.endedAt ? Math.round((call.endedAt - call.answeredAt) / 1000) : null;
  return {
    sid: call.identity.callSid,
    account_sid: call.identity.accountSid,
    parent_call_sid: call.parentSid,
    api_version: '2010-04-01',
    direction: call.direction,
    from: call.identity.from,
    from_formatted: call.identity.from,
    to: call.identity.to,
    to_formatted: call.identity.to,
    status: twilioStatusOf(call),
    start_time: rfc2822(call.answeredAt),
    end_time: rfc2822(call.endedAt),
    duration: duration === null ? null : String(duration),
    date_created: rfc2822(call.startedAt),
    date_updated: rfc2822(Date.now()),
    answered_by: null,
    caller_name: null,
    forwarded_from: null,
    group_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    trunk_sid: null,
    uri: `${base}/Calls/${call.identity.callSid}.json`,
    subresource_uris: {},
  };
}

export function conferenceResource(accountSid: string, conference: SimConference) {
  const base = `${apiBase(accountSid)}/Conferences/${conference.sid}`;
  return {
    sid: conference.sid,
    account_sid: accountSid,
    api_version: '2010-04-01',
    friendly_name: conference.friendlyName,
    region: 'us1',
    status: conference.status,
    date_created: rfc2822(conference.createdAt),
    date_updated: rfc2822(conference.updatedAt),
    reason_conference_ended: conference.reasonEnded,
    call_sid_ending_conference: conference.callSidEnding,
    uri: `${base}.json`,
    subresource_uris: { participants: `${base}/Participants.json`, recordings: `${base}/Recordings.json` },
  };
}

export function participantResource(accountSid: string, conference: SimConference, participant: SimParticipant) {
  return {
    account_sid: accountSid,
    call_sid: participant.callSid,
    conference_sid: conference.sid,
    label: participant.label,
    status: participant.status,
    muted: participant.muted,
    hold: participant.hold,
    coaching: participant.coaching,
    call_sid_to_coach: participant.callSidToCoach,
    start_conference_on_enter: participant.startConferenceOnEnter,
    end_conference_on_exit: participant.endConferenceOnExit,
    queue_time: null,
    date_created: rfc2822(participant.createdAt),
    date_updated: rfc2822(participant.updatedAt),
    uri: `${apiBase(accountSid)}/Conferences/${conference.sid}/Participants/${participant.callSid}.json`,
  };
}
