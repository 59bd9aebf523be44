// The simulated Twilio's REST API (telephony = simulated only): the part of api.twilio.com our
// server calls, mounted under /sim/twilio-api. HTTP Basic auth with the account's auth token or
// an API key, form-encoded PascalCase parameters in, Twilio's JSON resources and errors out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  callResource, conferenceResource, participantResource, type SimConference, type SimParticipant,
} from './sim-state.js';
import type { SeatOptions } from './sim-conferences.js';
import type { TwilioSimulator } from './twilio-simulator.js';

export const SIM_REST_PREFIX = '/sim/twilio-api';

/** A Twilio REST error: the HTTP status and the code from Twilio's error catalogue. */
export class SimRestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Twilio's error body: {code, message, more_info, status}. */
export function restErrorBody(error: SimRestError) {
  return { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status: error.status };
}

type FormBody = Record<string, string | string[] | undefined>;

/** The first value of a form field (repeated fields arrive as arrays). */
export function formField(body: FormBody, name: string): string | undefined {
  const value = body[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Repeated (StatusCallbackEvent=a&StatusCallbackEvent=b) or space-separated values. */
export function formList(body: FormBody, name: string): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((item) => item.split(/[\s,]+/)).filter(Boolean);
}

/** Twilio reads "true" / "false"; anything else is a bad request. */
export function formBool(body: FormBody, name: string): boolean | undefined {
  const value = formField(body, name);
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new SimRestError(400, 21207, `${name} must be true or false`);
}

function formUrl(body: FormBody, name: string): string | undefined {
  const value = formField(body, name);
  if (value === undefined || value === '') return undefined;
  try {
    return new URL(value).toString();
  } catch {
    throw new SimRestError(400, 21205, `${name} is not a valid URL: ${value}`);
  }
}

function formMethod(body: FormBody, name: string, fallback: 'GET' | 'POST'): 'GET' | 'POST' {
  const value = formField(body, name)?.toUpperCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'GET' || value === 'POST') return value;
  throw new SimRestError(400, 21207, `${name} must be GET or POST`);
}

/** Checks `Authorization: Basic` against the account's auth token or its API key. */
export function isAuthorized(header: string | undefined, credentials: { accountSid: string; authToken: string; apiKeySid: string; apiKeySecret: string }): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return (user === credentials.accountSid && password === credentials.authToken) || (user === credentials.apiKeySid && password === credentials.apiKeySecret);
}

const stripJson = (segment: string): string => segment.replace(/\.json$/, '');

function listPage<T>(key: string, uri: string, items: T[]) {
  return {
    [key]: items,
    first_page_uri: `${uri}?PageSize=50&Page=0`,
    next_page_uri: null,
    previous_page_uri: null,
    page: 0,
    page_size: 50,
    start: 0,
    end: Math.max(0, items.length - 1),
    uri,
  };
}

export function registerSimulatedRestApi(app: FastifyInstance, simulator: TwilioSimulator): void {
  const credentials = simulator.options.credentials;
  const accountSid = credentials.accountSid;

  const conferenceOf = (sidOrName: string, liveOnly: boolean): SimConference => {
    const conference = simulator.findConference(sidOrName);
    if (!conference || (liveOnly && conference.status === 'completed')) {
      throw new SimRestError(404, 20404, `The requested resource /Conferences/${sidOrName} was not found`);
    }
    return conference;
  };
  const participantOf = (conference: SimConference, callSidOrLabel: string): SimParticipant => {
    const participant =
      conference.participants.get(callSidOrLabel) ?? [...conference.participants.values()].find((candidate) => candidate.label === callSidOrLabel);
    if (!participant) throw new SimRestError(404, 20404, `The requested resource /Conferences/${conference.sid}/Participants/${callSidOrLabel} was not found`);
    return participant;
  };
  const callOf = (callSid: string) => {
    const found = simulator.findCall(callSid);
    if (!found) throw new SimRestError(404, 20404, `The requested resource /2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json was not found`);
    return found;
  };

  void app.register(
    async (scope) => {
      scope.setErrorHandler(async (error, _request, reply: FastifyReply) => {
        const failure = error instanceof SimRestError ? error : new SimRestError(500, 20500, error instanceof Error ? error.message : String(error));
        return reply.code(failure.status).send(restErrorBody(failure));
      });
      scope.addHook('onRequest', async (request, reply) => {
        if (!isAuthorized(request.headers.authorization, credentials)) {
          reply.header('www-authenticate', 'Basic realm="Twilio API"');
          throw new SimRestError(401, 20003, 'Authenticate');
        }
        if ((request.params as { accountSid?: string }).accountSid !== accountSid) {
          throw new SimRestError(404, 20404, `The requested resource ${request.url.slice(SIM_REST_PREFIX.length)} was not found`);
        }
      });

      scope.get<{ Params: { accountSid: string; call: string } }>('/Calls/:call', async (request) => {
        const { call, leg } = callOf(stripJson(request.params.call));
        return leg ? { ...callResource(call), sid: leg.childSid, parent_call_sid: call.identity.callSid, direction: 'outbound-dial' } : callResource(call);
      });

      scope.post<{ Params: { accountSid: string; call: string }; Body: FormBody }>('/Calls/:call', async (request) => {
        const body = request.body ?? {};
        const target = callOf(stripJson(request.params.call));
        const status = formField(body, 'Status');
        if (status !== undefined && status !== 'completed' && status !== 'canceled') {
          throw new SimRestError(400, 21207, `Status must be completed or canceled, not ${status}`);
        }
        if (status) return callResource(simulator.end(target, status));
        const twiml = formField(body, 'Twiml');
        const url = formUrl(body, 'Url');
        if (twiml === undefined && url === undefined) return callResource(target.call);
        const ringing = target.leg ? target.call.state !== 'bridged' : target.call.state === 'ringing';
        if (ringing) throw new SimRestError(400, 21220, 'Call is not in-progress. Cannot redirect.');
        const source = twiml !== undefined ? { twiml } : { url: url as string, method: formMethod(body, 'Method', 'POST') };
        return callResource(simulator.redirect(target, source));
      });

      scope.get<{ Params: { accountSid: string }; Querystring: { FriendlyName?: string; Status?: string } }>('/Conferences.json', async (request) => {
        const all = [...simulator.conferences.live.values(), ...simulator.conferences.ended.values()];
        const matching = all.filter(
          (conference) =>
            (!request.query.FriendlyName || conference.friendlyName === request.query.FriendlyName) &&
            (!request.query.Status || conference.status === request.query.Status),
        );
        return listPage('conferences', `/2010-04-01/Accounts/${accountSid}/Conferences.json`, matching.map((conference) => conferenceResource(accountSid, conference)));
      });

      scope.get<{ Params: { accountSid: string; conference: string } }>('/Conferences/:conference', async (request) =>
        conferenceResource(accountSid, conferenceOf(stripJson(request.params.conference), false)),
      );

      scope.get<{ Params: { accountSid: string; conference: string } }>('/Conferences/:conference/Participants.json', async (request) => {
        const conference = conferenceOf(request.params.conference, false);
        const participants = [...conference.participants.values()].map((participant) => participantResource(accountSid, conference, participant));
        return listPage('participants', `/2010-04-01/Accounts/${accountSid}/Conferences/${conference.sid}/Participants.json`, participants);
      });

      scope.post<{ Params: { accountSid: string; conference: string }; Body: FormBody }>('/Conferences/:conference/Participants.json', async (request, reply) => {
        const body = request.body ?? {};
        const from = formField(body, 'From');
        const to = formField(body, 'To');
        if (!from) throw new SimRestError(400, 21603, "A 'From' phone number is required.");
        if (!to) throw new SimRestError(400, 21201, "No 'To' number is specified");
        const name = request.params.conference;
        // A conference may be named by its SID (then it must exist) or by its friendly name (created if need be).
        if (/^CF[0-9a-f]{32}$/i.test(name)) conferenceOf(name, true);
        const existing = simulator.findConference(name);
        // Twilio documents Timeout as 5 to 600 seconds, 60 by default.
        const timeout = Number(formField(body, 'Timeout') ?? 60);
        if (!Number.isInteger(timeout) || timeout < 5 || timeout > 600) throw new SimRestError(400, 21207, 'Timeout must be an integer from 5 to 600');
        const callSidToCoach = formField(body, 'CallSidToCoach') ?? null;
        const seat: SeatOptions = {
          label: formField(body, 'Label') ?? null,
          startConferenceOnEnter: formBool(body, 'StartConferenceOnEnter') ?? true,
          endConferenceOnExit: formBool(body, 'EndConferenceOnExit') ?? false,
          muted: formBool(body, 'Muted') ?? false,
          coaching: formBool(body, 'Coaching') ?? callSidToCoach !== null,
          callSidToCoach,
          waitUrl: formUrl(body, 'WaitUrl') ?? null,
          waitMethod: formMethod(body, 'WaitMethod', 'POST'),
          statusCallback: formUrl(body, 'ConferenceStatusCallback') ?? null,
          statusCallbackEvents: formList(body, 'ConferenceStatusCallbackEvent'),
          next: null,
        };
        const created = simulator.addParticipant(
          existing && existing.status !== 'completed' ? existing.friendlyName : name,
          { from, to, timeoutSeconds: timeout, statusCallback: formUrl(body, 'StatusCallback') ?? null, statusCallbackEvents: formList(body, 'StatusCallbackEvent') },
          seat,
        );
        return reply.code(201).send(participantResource(accountSid, created.conference, created.participant));
      });

      scope.get<{ Params: { accountSid: string; conference: string; participant: string } }>('/Conferences/:conference/Participants/:participant', async (request) => {
        const conference = conferenceOf(request.params.conference, true);
        return participantResource(accountSid, conference, participantOf(conference, stripJson(request.params.participant)));
      });

      scope.post<{ Params: { accountSid: string; conference: string; participant: string }; Body: FormBody }>(
        '/Conferences/:conference/Participants/:participant',
        async (request) => {
          const body = request.body ?? {};
          const conference = conferenceOf(request.params.conference, true);
          const participant = participantOf(conference, stripJson(request.params.participant));
          const coaching = formBool(body, 'Coaching');
          const callSidToCoach = formField(body, 'CallSidToCoach');
          if (coaching === true && !callSidToCoach && !participant.callSidToCoach) throw new SimRestError(400, 21207, 'Coaching needs CallSidToCoach');
          simulator.updateParticipant(conference, participant, {
            hold: formBool(body, 'Hold'),
            holdUrl: formUrl(body, 'HoldUrl'),
            holdMethod: formField(body, 'HoldMethod') === undefined ? undefined : formMethod(body, 'HoldMethod', 'GET'),
            muted: formBool(body, 'Muted'),
            coaching,
            callSidToCoach,
            endConferenceOnExit: formBool(body, 'EndConferenceOnExit'),
          });
          return participantResource(accountSid, conference, participant);
        },
      );

      scope.delete<{ Params: { accountSid: string; conference: string; participant: string } }>('/Conferences/:conference/Participants/:participant', async (request, reply) => {
        const conference = conferenceOf(request.params.conference, true);
        simulator.removeParticipant(participantOf(conference, stripJson(request.params.participant)));
        return reply.code(204).send();
      });
    },
    { prefix: `${SIM_REST_PREFIX}/2010-04-01/Accounts/:accountSid` },
  );
}
