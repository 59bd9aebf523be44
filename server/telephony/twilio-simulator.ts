// Plays Twilio's cloud for development and tests: places inbound calls by posting signed voice
// webhooks over real HTTP, executes the TwiML answers (<Dial> a client or a conference,
// <Enqueue> with its wait URL, <Say>, <Play>, <Pause>, <Redirect>), rings simulated softphones
// over WebSocket and simulated outside lines, and reports everything back through signed status
// callbacks. Conferences live in sim-conferences.ts, queues in sim-queues.ts, timing in
// sim-scheduler.ts; the REST side (calls update, conference participants) in sim-rest-api.ts.
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { toE164 } from '../../shared/phone.js';
import { SimCallRequestSchema, type SimCallRequest } from '../../shared/server-api.js';
import { SimClientMessageSchema, type SimClientMessage, type SimServerMessage } from '../../shared/softphone-protocol.js';
import { DeskFailure, formatZodError } from '../../shared/errors.js';
import type { ServerConfig } from '../config.js';
import { newParticipant, SimConferences, type ParticipantChanges, type SeatOptions } from './sim-conferences.js';
import {
  DEFAULT_LINE, type LineBehaviour, type SimCall, type SimConference, type SimContinuation, type SimDialLeg, type SimEndpoint,
  type SimParticipant,
} from './sim-state.js';
import { parseTwiml, type SimDialClient, type SimDialConference, type SimVerb } from './sim-twiml.js';
import {
  clientLegStatusParams, dialActionParams, fetchSignedWebhook, newCallSid, outboundCallStatusParams, parentStatusParams,
  voiceWebhookParams, type WebhookAnswer,
} from './sim-webhooks.js';
import { secondsSince, SimQueues } from './sim-queues.js';
import { SimScheduler } from './sim-scheduler.js';
import { verifyVoiceToken } from './voice-token.js';

/** Error codes sent to softphones, from Twilio's catalogue. */
export const SIM_ERRORS = {
  accessTokenInvalid: 20101,
  accessTokenExpired: 20104,
  generalError: 31000,
  malformedRequest: 31100,
  callNotFound: 31404,
} as const;

export interface SimulatorOptions {
  credentials: ServerConfig['twilio'];
  /** Base URL of our webhooks, as Twilio would be configured with (the server's public URL). */
  webhookBase: () => string;
  mainNumber: string;
  transfer911Numbers: readonly string[];
  log: FastifyBaseLogger;
}


const MAX_REDIRECTS = 5;
const MAX_HEARD = 50;


/** Audio Twilio plays directly: <Play> targets and audio hold/wait URLs. */
const AUDIO_FILE = /\.(mp3|wav|aiff?|gsm|ulaw)$/i;

export class TwilioSimulator {
  readonly calls = new Map<string, SimCall>();
  readonly conferences: SimConferences;
  private readonly queues: SimQueues;
  private readonly lines = new Map<string, LineBehaviour>();
  private readonly softphones = new Map<string, Set<WebSocket>>();
  private readonly identityOf = new Map<WebSocket, string>();
  private readonly scheduler: SimScheduler;

  constructor(readonly options: SimulatorOptions) {
    this.scheduler = new SimScheduler((error) => this.options.log.warn({ err: error }, 'simulator: call step failed'));
    this.queues = new SimQueues({
      isClosed: () => this.scheduler.isClosed,
      track: (promise) => this.track(promise),
      playMusic: (call, url, method, params, signal, onLeave) => this.playMusic(call, url, method, params, signal, onLeave),
      leftQueue: (call, seat, queueSid, waited) =>
        this.track(this.serially(call, () => this.continueAfter(call, seat.next, { QueueResult: 'leave', QueueSid: queueSid, QueueTime: String(waited) }))),
    });
    this.conferences = new SimConferences({
      accountSid: options.credentials.accountSid,
      liveCall: (callSid) => this.calls.get(callSid),
      post: (url, params) => this.post(url, params),
      track: (promise) => this.track(promise),
      playMusic: (call, url, method, params, signal) => this.playMusic(call, url, method, params, signal),
      release: (call, participant, wasRinging) => this.releaseFromConference(call, participant, wasRinging),
      warn: (error, message) => this.options.log.warn({ err: error }, message),
    });
  }

  get accountSid(): string {
    return this.options.credentials.accountSid;
  }

  /** Places an inbound call and returns what our server answered. */
  async placeCall(request: SimCallRequest): Promise<{ callSid: string; twiml: string; routedTo: string | null }> {
    const parsed = SimCallRequestSchema.parse(request);
    const defaultTo = parsed.transfer911 ? (this.options.transfer911Numbers[0] ?? this.options.mainNumber) : this.options.mainNumber;
    const call = this.newCall(
      { from: toE164(parsed.from) ?? parsed.from, to: parsed.to ? (toE164(parsed.to) ?? parsed.to) : defaultTo },
      'inbound', null, { kind: 'caller' },
    );
    call.state = 'running';
    const url = `${this.options.webhookBase()}/twilio/voice`;
    return this.serially(call, async () => {
      const answer = await this.post(url, voiceWebhookParams(call.identity, 'ringing'));
      if (answer.status !== 200) {
        call.state = 'completed';
        call.endStatus = 'failed';
        this.calls.delete(call.identity.callSid);
        throw new DeskFailure('SERVER_ERROR', `the voice webhook answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
      }
      call.answeredAt = Date.now();
      const routedTo = await this.execute(call, answer.body, url, call.run.signal);
      return { callSid: call.identity.callSid, twiml: answer.body, routedTo };
    });
  }

  /** The caller (or an outside line) hangs up. False when there is no such live call. */
  async hangupFromCaller(callSid: string): Promise<boolean> {
    const call = this.calls.get(callSid);
    if (!call || call.state === 'completed') return false;
    this.interrupt(call);
    await this.serially(call, () => this.hangUp(call, 'completed'));
    return true;
  }

  /** Sets how a simulated outside number behaves when a participant dials it. */
  setLine(number: string, behaviour: LineBehaviour): void {
    this.lines.set(number, behaviour);
  }

  /** A call by its sid, or the <Dial> parent when `callSid` is an agent leg still bridged to it. */
  findCall(callSid: string): { call: SimCall; leg: SimDialLeg | null } | null {
    const call = this.calls.get(callSid);
    if (call) return { call, leg: null };
    for (const parent of this.calls.values()) if (parent.dial?.childSid === callSid) return { call: parent, leg: parent.dial };
    return null;
  }

  findConference(sidOrName: string): SimConference | null {
    return this.conferences.find(sidOrName);
  }


  /** Serves one softphone's WebSocket. */
  attachSoftphone(socket: WebSocket): void {
    socket.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(data));
      } catch {
        this.sendError(socket, SIM_ERRORS.malformedRequest, 'messages must be JSON');
        return;
      }
      const parsed = SimClientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        this.sendError(socket, SIM_ERRORS.malformedRequest, formatZodError(parsed.error));
        return;
      }
      const message = parsed.data;
      if (message.type === 'register') {
        this.register(socket, message.identity, message.token);
        return;
      }
      const identity = this.identityOf.get(socket);
      if (!identity) {
        this.sendError(socket, SIM_ERRORS.generalError, 'register this softphone first');
        return;
      }
      this.track(this.onCallMessage(socket, identity, message));
    });
    socket.on('close', () => this.detach(socket));
  }

  /** Stops every timer, pause and wait loop, and waits for webhooks in flight; the server closes the sockets. */
  async close(): Promise<void> {
    for (const call of this.calls.values()) {
      call.run.abort();
      call.queue?.music.abort();
    }
    this.conferences.silence();
    await this.scheduler.close();
  }

  // ── REST operations (sim-rest-api.ts validates and shapes; these act) ──────────────────────────

  /** Calls(sid).update({ twiml | url }): the call leaves what it was doing and runs the new TwiML. */
  redirect(target: { call: SimCall; leg: SimDialLeg | null }, source: { twiml: string } | { url: string; method: 'GET' | 'POST' }): SimCall {
    const call = target.leg ? this.splitAgentLeg(target.call, target.leg) : target.call;
    this.interrupt(call);
    const leaving = this.leaveActivity(call, 'redirect');
    this.track(
      this.serially(call, async () => {
        await leaving();
        const signal = call.run.signal;
        if ('twiml' in source) {
          await this.execute(call, source.twiml, `${this.options.webhookBase()}/`, signal);
          return;
        }
        const answer = await this.fetchTwiml(source.method, source.url, voiceWebhookParams(call.identity, 'in-progress'));
        if (signal.aborted) return;
        if (answer.status !== 200) await this.hangUp(call, 'completed');
        else await this.execute(call, answer.body, source.url, signal);
      }),
    );
    return call;
  }

  /** Calls(sid).update({ status }): `completed` hangs up a live call, `canceled` only a ringing one. */
  end(target: { call: SimCall; leg: SimDialLeg | null }, status: 'completed' | 'canceled'): SimCall {
    const { call, leg } = target;
    if (leg) {
      // Ending the agent's leg ends the <Dial>; the caller goes on to the <Dial action>.
      if (call.state === 'dialing') this.track(this.serially(call, () => this.endUnanswered(call, leg, 'canceled', 'canceled')));
      else if (status === 'completed') {
        if (leg.answeredBy) this.send(leg.answeredBy, { type: 'disconnect', callSid: call.identity.callSid });
        this.track(this.serially(call, () => this.agentHangup(call)));
      }
      return call;
    }
    if (status === 'canceled' && call.state !== 'ringing') return call;
    this.interrupt(call);
    this.track(this.serially(call, () => this.hangUp(call, call.state === 'ringing' ? 'canceled' : 'completed')));
    return call;
  }

  /** Conferences(name).Participants.create: dials `to` and seats it in the conference when answered. */
  addParticipant(
    conferenceName: string,
    request: { from: string; to: string; timeoutSeconds: number; statusCallback: string | null; statusCallbackEvents: string[] },
    seat: SeatOptions,
  ): { conference: SimConference; participant: SimParticipant; call: SimCall } {
    const conference = this.conferences.open(conferenceName, seat);
    const [target, query = ''] = request.to.split('?', 2) as [string, string?];
    const endpoint: SimEndpoint = target.startsWith('client:')
      ? { kind: 'softphone', identity: target.slice('client:'.length), key: '', socket: null }
      : { kind: 'line', number: target };
    const call = this.newCall({ from: request.from, to: target }, 'outbound-api', null, endpoint);
    if (endpoint.kind === 'softphone') endpoint.key = call.identity.callSid;
    call.state = 'ringing';
    if (request.statusCallback) {
      const label = seat.label;
      call.progress = {
        url: request.statusCallback,
        events: new Set(request.statusCallbackEvents.length > 0 ? request.statusCallbackEvents : ['completed']),
        sequence: 0,
        params: (callStatus, sequence, durationSeconds) =>
          outboundCallStatusParams(call.identity, { sequence, conferenceSid: conference.sid, label }, callStatus, durationSeconds),
      };
    }
    const participant = newParticipant(call.identity.callSid, seat);
    participant.status = 'queued';
    conference.participants.set(call.identity.callSid, participant);
    call.conference = conference.friendlyName;
    const customParams = Object.fromEntries(new URLSearchParams(query));
    this.track(this.serially(call, () => this.ringOut(call, conference, request.timeoutSeconds, customParams)));
    return { conference, participant, call };
  }

  /** Participants(callSid).update: hold with music, mute, coach, end-on-exit. */
  updateParticipant(conference: SimConference, participant: SimParticipant, changes: ParticipantChanges): void {
    this.conferences.update(conference, participant, changes);
  }

  /** Participants(callSid).remove: the leg leaves the conference (and its TwiML goes on, or it hangs up). */
  removeParticipant(participant: SimParticipant): void {
    const call = this.calls.get(participant.callSid);
    if (!call) return;
    this.interrupt(call);
    const leaving = this.leaveActivity(call, 'removed');
    this.track(
      this.serially(call, async () => {
        await leaving();
        if (participant.next) await this.continueAfter(call, participant.next, { DialCallStatus: 'completed' });
        else await this.hangUp(call, 'completed');
      }),
    );
  }

  // ── Softphones ──────────────────────────────────────────────────────────────────────────────

  private register(socket: WebSocket, identity: string, token: string): void {
    const check = verifyVoiceToken(this.options.credentials, token);
    if (!check.ok) {
      this.sendError(socket, check.expired ? SIM_ERRORS.accessTokenExpired : SIM_ERRORS.accessTokenInvalid, check.reason);
      return;
    }
    if (check.identity !== identity) {
      this.sendError(socket, SIM_ERRORS.accessTokenInvalid, `the access token is for ${check.identity}, not ${identity}`);
      return;
    }
    this.detach(socket);
    this.identityOf.set(socket, identity);
    const sockets = this.softphones.get(identity) ?? new Set<WebSocket>();
    sockets.add(socket);
    this.softphones.set(identity, sockets);
    this.send(socket, { type: 'registered', identity });
  }

  private detach(socket: WebSocket): void {
    const identity = this.identityOf.get(socket);
    if (!identity) return;
    this.identityOf.delete(socket);
    this.softphones.get(identity)?.delete(socket);
    // A softphone that drops mid-call takes the agent's leg down with it, as a lost WebRTC link would.
    for (const call of this.calls.values()) {
      if (call.state === 'bridged' && call.dial?.answeredBy === socket) this.track(this.serially(call, () => this.agentHangup(call)));
      if (call.endpoint.kind === 'softphone' && call.endpoint.socket === socket && call.state !== 'completed') {
        call.endpoint.socket = null;
        this.interrupt(call);
        this.track(this.serially(call, () => this.hangUp(call, 'completed')));
      }
    }
  }

  private async onCallMessage(socket: WebSocket, identity: string, message: Exclude<SimClientMessage, { type: 'register' }>): Promise<void> {
    const key = message.callSid;
    const parent = this.calls.get(key);
    if (parent?.dial?.identity === identity && (parent.state === 'dialing' || parent.state === 'bridged')) {
      await this.serially(parent, () => this.onDialLegMessage(socket, parent, parent.dial as SimDialLeg, message));
      return;
    }
    const own = [...this.calls.values()].find(
      (call) => call.endpoint.kind === 'softphone' && call.endpoint.identity === identity && call.endpoint.key === key && call.state !== 'completed',
    );
    if (!own || own.endpoint.kind !== 'softphone') {
      this.sendError(socket, SIM_ERRORS.callNotFound, `call ${key} is not ringing or connected here`);
      return;
    }
    const endpoint = own.endpoint;
    if (message.type === 'digits') {
      if (endpoint.socket === socket) own.digits.push(message.digits);
      else this.sendError(socket, SIM_ERRORS.generalError, `call ${key} is not connected here`);
      return;
    }
    if (own.state === 'ringing') {
      if (message.type === 'accept') {
        endpoint.socket = socket;
        this.sendToIdentity(identity, { type: 'cancel', callSid: key }, socket);
        await this.serially(own, () => this.answerOutbound(own));
      } else {
        this.sendToIdentity(identity, { type: 'cancel', callSid: key }, socket);
        await this.serially(own, () => this.endOutbound(own, 'busy'));
      }
      return;
    }
    if (message.type === 'hangup' && endpoint.socket === socket) {
      endpoint.socket = null;
      this.interrupt(own);
      await this.serially(own, () => this.hangUp(own, 'completed'));
      return;
    }
    this.sendError(socket, SIM_ERRORS.generalError, `call ${key} is already answered`);
  }

  private async onDialLegMessage(socket: WebSocket, call: SimCall, leg: SimDialLeg, message: Exclude<SimClientMessage, { type: 'register' }>): Promise<void> {
    if (call.dial !== leg) {
      this.sendError(socket, SIM_ERRORS.callNotFound, `call ${call.identity.callSid} is not ringing or connected here`);
      return;
    }
    if (message.type === 'digits') {
      if (call.state === 'bridged' && leg.answeredBy === socket) call.digits.push(message.digits);
      else this.sendError(socket, SIM_ERRORS.generalError, `call ${call.identity.callSid} is not connected here`);
      return;
    }
    if (call.state === 'dialing' && message.type === 'accept') {
      this.clearTimer(leg.timer);
      call.state = 'bridged';
      leg.answeredAt = Date.now();
      leg.answeredBy = socket;
      this.sendToIdentity(leg.identity, { type: 'cancel', callSid: call.identity.callSid }, socket);
      await this.legStatus(call, leg, 'answered', 'in-progress');
    } else if (call.state === 'dialing') {
      // Declining (or hanging up) a ringing call: the leg ends unanswered and <Dial> reports busy.
      await this.endUnanswered(call, leg, 'no-answer', 'busy', socket);
    } else if (message.type === 'hangup' && leg.answeredBy === socket) {
      await this.agentHangup(call);
    } else {
      this.sendError(socket, SIM_ERRORS.generalError, `call ${call.identity.callSid} is already answered`);
    }
  }

  // ── TwiML execution ─────────────────────────────────────────────────────────────────────────

  /** Acts on a TwiML document; returns the identity it rang, if any. */
  private async execute(call: SimCall, xml: string, documentUrl: string, signal: AbortSignal, redirects = 0): Promise<string | null> {
    let verbs: SimVerb[];
    try {
      verbs = parseTwiml(xml);
    } catch (error) {
      this.options.log.warn({ err: error, callSid: call.identity.callSid }, 'simulator: unreadable TwiML; hanging up');
      await this.hangUp(call, 'completed');
      return null;
    }
    return this.runVerbs(call, verbs, documentUrl, signal, redirects);
  }

  private async runVerbs(call: SimCall, verbs: SimVerb[], documentUrl: string, signal: AbortSignal, redirects = 0): Promise<string | null> {
    if (call.state === 'completed') return null;
    call.state = 'running';
    for (const [index, verb] of verbs.entries()) {
      if (signal.aborted || this.isOver(call)) return null;
      const next: SimContinuation = { verbs: verbs.slice(index + 1), documentUrl, action: null };
      switch (verb.verb) {
        case 'Say':
        case 'Play':
          this.hear(call, verb.verb === 'Say' ? verb.text : verb.url);
          break;
        case 'Pause':
          await this.sleep(verb.seconds * 1000, signal);
          break;
        case 'Redirect': {
          if (redirects >= MAX_REDIRECTS) break;
          const url = new URL(verb.url, documentUrl).toString();
          const answer = await this.post(url, voiceWebhookParams(call.identity, 'in-progress'));
          if (signal.aborted) return null;
          if (answer.status !== 200) break;
          return this.execute(call, answer.body, url, signal, redirects + 1);
        }
        case 'Dial': {
          next.action = verb.action ? new URL(verb.action, documentUrl).toString() : null;
          if (verb.conference) {
            await this.joinFromTwiml(call, verb.conference, documentUrl, next);
            return null;
          }
          const client = verb.clients[0];
          if (!client) {
            // Dialling phone numbers from TwiML is not simulated: the <Dial> fails at once.
            this.options.log.debug({ numbers: verb.numbers }, 'simulator: <Dial><Number> not simulated');
            await this.continueAfter(call, next, { DialCallStatus: 'failed' });
            return null;
          }
          await this.startDial(call, verb.timeoutSeconds, client, documentUrl, next);
          return client.identity;
        }
        case 'Enqueue':
          next.action = verb.action ? new URL(verb.action, documentUrl).toString() : null;
          this.queues.enter(call, verb.queue, verb.waitUrl ? new URL(verb.waitUrl, documentUrl).toString() : null, next);
          return null;
        case 'Leave':
          break; // Only meaningful in a wait URL's document.
        case 'Hangup':
        case 'Reject':
          await this.hangUp(call, 'completed');
          return null;
        case 'Unsupported':
          this.options.log.debug({ verb: verb.name }, 'simulator: TwiML verb not simulated');
      }
    }
    // Twilio hangs up when the document runs out.
    if (!signal.aborted) await this.hangUp(call, 'completed');
    return null;
  }

  /** Where a call goes once <Dial> or <Enqueue> lets go of it: its action URL, else the verbs after it. */
  private async continueAfter(call: SimCall, next: SimContinuation, actionParams: Record<string, string>): Promise<void> {
    if (call.state === 'completed') return;
    call.state = 'running';
    const signal = call.run.signal;
    if (!next.action) {
      await this.runVerbs(call, next.verbs, next.documentUrl, signal);
      return;
    }
    const answer = await this.post(next.action, { ...voiceWebhookParams(call.identity, 'in-progress'), ...actionParams });
    if (signal.aborted) return;
    if (answer.status !== 200) await this.hangUp(call, 'completed');
    else await this.execute(call, answer.body, next.action, signal);
  }

  // ── <Dial><Client> ──────────────────────────────────────────────────────────────────────────

  private async startDial(call: SimCall, timeoutSeconds: number, client: SimDialClient, documentUrl: string, next: SimContinuation): Promise<void> {
    const leg: SimDialLeg = {
      identity: client.identity,
      childSid: newCallSid(),
      statusCallback: client.statusCallback ? new URL(client.statusCallback, documentUrl).toString() : null,
      events: new Set(client.statusCallbackEvents),
      params: client.params,
      sequence: 0,
      next,
    };
    call.dial = leg;
    call.state = 'dialing';
    await this.legStatus(call, leg, 'initiated', 'initiated');
    if (call.dial !== leg) return;
    const { callSid, from, to } = call.identity;
    this.sendToIdentity(leg.identity, { type: 'invite', callSid, from, to, params: { ...leg.params, From: from, To: to } });
    await this.legStatus(call, leg, 'ringing', 'ringing');
    if (call.dial !== leg || call.state !== 'dialing') return;
    leg.timer = this.later(timeoutSeconds * 1000, () => this.serially(call, () => this.endUnanswered(call, leg, 'no-answer', 'no-answer')));
  }

  private async endUnanswered(call: SimCall, leg: SimDialLeg, legStatus: string, dialCallStatus: string, except?: WebSocket): Promise<void> {
    if (call.dial !== leg || call.state !== 'dialing') return;
    this.stopRinging(call, leg, except);
    await this.legStatus(call, leg, 'completed', legStatus);
    await this.continueAfter(call, leg.next, { DialCallSid: leg.childSid, DialCallStatus: dialCallStatus });
  }

  private stopRinging(call: SimCall, leg: SimDialLeg, except?: WebSocket): void {
    this.clearTimer(leg.timer);
    call.dial = null;
    this.sendToIdentity(leg.identity, { type: 'cancel', callSid: call.identity.callSid }, except);
  }

  private async agentHangup(call: SimCall): Promise<void> {
    const leg = call.dial;
    if (!leg || call.state !== 'bridged') return;
    call.dial = null;
    const duration = secondsSince(leg.answeredAt);
    await this.legStatus(call, leg, 'completed', 'completed', duration);
    await this.continueAfter(call, leg.next, dialActionParams(call.identity, { childSid: leg.childSid, dialCallStatus: 'completed', durationSeconds: duration }, 'in-progress'));
  }

  /**
   * Redirecting the agent's leg of a bridged <Dial>: the leg becomes a call of its own (the
   * softphone stays connected) and the caller's <Dial> is over, so it goes on to its action.
   */
  private splitAgentLeg(parent: SimCall, leg: SimDialLeg): SimCall {
    parent.dial = null;
    const child = this.newCall(
      { from: parent.identity.from, to: `client:${leg.identity}` },
      'outbound-dial', parent.identity.callSid,
      { kind: 'softphone', identity: leg.identity, key: parent.identity.callSid, socket: leg.answeredBy ?? null },
      leg.childSid,
    );
    child.state = 'running';
    child.answeredAt = leg.answeredAt ?? Date.now();
    if (leg.statusCallback) {
      const statusCallback = leg.statusCallback;
      child.progress = {
        url: statusCallback,
        events: leg.events,
        sequence: leg.sequence,
        params: (callStatus, sequence, durationSeconds) =>
          clientLegStatusParams(parent.identity, { childSid: leg.childSid, identity: leg.identity, sequence }, callStatus, durationSeconds),
      };
    }
    const duration = secondsSince(leg.answeredAt);
    this.track(
      this.serially(parent, () =>
        this.continueAfter(parent, leg.next, dialActionParams(parent.identity, { childSid: leg.childSid, dialCallStatus: 'completed', durationSeconds: duration }, 'in-progress')),
      ),
    );
    return child;
  }

  // ── Outbound calls (conference participants) ────────────────────────────────────────────────

  private async ringOut(call: SimCall, conference: SimConference, timeoutSeconds: number, customParams: Record<string, string>): Promise<void> {
    const participant = conference.participants.get(call.identity.callSid);
    if (participant) participant.status = 'connecting';
    await this.progress(call, 'initiated', 'initiated');
    if (call.state !== 'ringing') return;
    if (participant) participant.status = 'ringing';
    await this.progress(call, 'ringing', 'ringing');
    if (call.state !== 'ringing') return;
    const noAnswer = () => this.serially(call, () => this.endOutbound(call, 'no-answer'));
    const endpoint = call.endpoint;
    if (endpoint.kind === 'softphone') {
      // The Voice SDK shows the query string of a client: target as the call's custom parameters.
      const { callSid, from, to } = call.identity;
      this.sendToIdentity(endpoint.identity, { type: 'invite', callSid, from, to, params: { ...customParams, From: from, To: to } });
      this.later(timeoutSeconds * 1000, noAnswer);
      return;
    }
    if (endpoint.kind !== 'line') return;
    const line = this.lines.get(endpoint.number) ?? DEFAULT_LINE;
    if (line.answer === 'no-answer') this.later(timeoutSeconds * 1000, noAnswer);
    else if (line.answer === 'busy') this.later(50, () => this.serially(call, () => this.endOutbound(call, 'busy')));
    else {
      this.later(line.afterMs, () => this.serially(call, () => this.answerOutbound(call)));
      if (line.hangUpAfterMs !== null) {
        const hangUpAfterMs = line.hangUpAfterMs;
        this.later(line.afterMs + hangUpAfterMs, () => {
          this.interrupt(call);
          return this.serially(call, () => this.hangUp(call, 'completed'));
        });
      }
    }
  }

  private async answerOutbound(call: SimCall): Promise<void> {
    if (call.state !== 'ringing') return;
    call.state = 'conference';
    call.answeredAt = Date.now();
    await this.progress(call, 'answered', 'in-progress');
    const conference = call.conference ? this.conferences.live.get(call.conference) : undefined;
    const participant = conference?.participants.get(call.identity.callSid);
    if (!conference || !participant) {
      await this.hangUp(call, 'completed');
      return;
    }
    this.conferences.seat(conference, call, participant);
  }

  /** A placed call that was never answered: busy, no-answer or canceled. */
  private async endOutbound(call: SimCall, status: 'busy' | 'no-answer' | 'canceled'): Promise<void> {
    if (call.state !== 'ringing') return;
    if (call.endpoint.kind === 'softphone') this.sendToIdentity(call.endpoint.identity, { type: 'cancel', callSid: call.endpoint.key });
    const conference = call.conference ? this.conferences.live.get(call.conference) : undefined;
    conference?.participants.delete(call.identity.callSid);
    call.conference = null;
    await this.finish(call, status);
  }

  // ── Queues and music ────────────────────────────────────────────────────────────────────────

  /**
   * Fetches hold or wait music and "plays" it: <Say> and <Play> are recorded as heard, <Pause>
   * waits, <Redirect> fetches the next document. It plays once, never in a loop.
   */
  private async playMusic(call: SimCall, url: string, method: 'GET' | 'POST', params: Record<string, string>, signal: AbortSignal, onLeave?: () => void): Promise<void> {
    // Twilio plays an audio URL (hold music) as it is; only TwiML is fetched and acted on here,
    // so the simulator never reaches out to the internet for a sound file.
    if (AUDIO_FILE.test(new URL(url).pathname)) {
      this.hear(call, url);
      return;
    }
    let documentUrl = url;
    let answer = await this.fetchTwiml(method, url, params);
    for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects += 1) {
      if (signal.aborted || answer.status !== 200) return;
      let verbs: SimVerb[];
      try {
        verbs = parseTwiml(answer.body);
      } catch {
        return; // An audio file rather than TwiML: nothing more to simulate.
      }
      let redirect: string | null = null;
      for (const verb of verbs) {
        if (signal.aborted) return;
        if (verb.verb === 'Say') this.hear(call, verb.text);
        else if (verb.verb === 'Play') this.hear(call, verb.url);
        else if (verb.verb === 'Pause') await this.sleep(verb.seconds * 1000, signal);
        else if (verb.verb === 'Leave') {
          onLeave?.();
          return;
        } else if (verb.verb === 'Redirect') {
          redirect = new URL(verb.url, documentUrl).toString();
          break;
        }
      }
      if (!redirect) return;
      documentUrl = redirect;
      answer = await this.fetchTwiml('POST', redirect, params);
    }
  }

  // ── Conferences ─────────────────────────────────────────────────────────────────────────────

  private async joinFromTwiml(call: SimCall, dial: SimDialConference, documentUrl: string, next: SimContinuation): Promise<void> {
    const seatOptions: SeatOptions = {
      label: dial.participantLabel,
      startConferenceOnEnter: dial.startConferenceOnEnter,
      endConferenceOnExit: dial.endConferenceOnExit,
      muted: dial.muted,
      coaching: dial.coach !== null,
      callSidToCoach: dial.coach,
      waitUrl: dial.waitUrl ? new URL(dial.waitUrl, documentUrl).toString() : null,
      waitMethod: dial.waitMethod,
      statusCallback: dial.statusCallback ? new URL(dial.statusCallback, documentUrl).toString() : null,
      statusCallbackEvents: dial.statusCallbackEvents,
      next,
    };
    const conference = this.conferences.open(dial.name, seatOptions);
    const participant = newParticipant(call.identity.callSid, seatOptions);
    conference.participants.set(call.identity.callSid, participant);
    call.conference = conference.friendlyName;
    call.state = 'conference';
    this.conferences.seat(conference, call, participant);
  }

  /** A conference that ended lets the call go: on after its <Dial>, or hung up if we placed it. */
  private releaseFromConference(call: SimCall, participant: SimParticipant, wasRinging: boolean): void {
    this.interrupt(call);
    const next = participant.next;
    this.track(
      this.serially(call, async () => {
        if (next) await this.continueAfter(call, next, { DialCallStatus: 'completed' });
        else if (wasRinging) await this.endOutbound(call, 'canceled');
        else await this.hangUp(call, 'completed');
      }),
    );
  }

  // ── Ending calls ────────────────────────────────────────────────────────────────────────────

  /** Stops what the call is running now: pauses wake up and in-flight steps see the abort. */
  private interrupt(call: SimCall): void {
    call.run.abort();
    call.run = new AbortController();
  }

  /**
   * Leaves the verb holding the call right now (synchronously, so REST answers see the new
   * state); returns the status callbacks that leaving owes, to send in order on the call's chain.
   */
  private leaveActivity(call: SimCall, why: 'redirect' | 'removed' | 'hangup'): () => Promise<void> {
    const leg = call.dial;
    const state = call.state;
    if (state === 'ringing' || state === 'completed') return async () => undefined;
    call.state = 'running';
    if (leg && state === 'dialing') {
      this.stopRinging(call, leg);
      return () => this.legStatus(call, leg, 'completed', 'canceled');
    }
    if (leg && state === 'bridged') {
      call.dial = null;
      if (leg.answeredBy) this.send(leg.answeredBy, { type: 'disconnect', callSid: call.identity.callSid });
      return () => this.legStatus(call, leg, 'completed', 'completed', secondsSince(leg.answeredAt));
    }
    if (state === 'queued') this.queues.leave(call);
    if (state === 'conference') {
      const reason = why === 'hangup' ? 'participant_hung_up' : why === 'removed' ? 'participant_was_removed_via_api' : 'participant_updated_via_api';
      this.conferences.leave(call, reason);
    }
    return async () => undefined;
  }

  /** Hangs the call up from wherever it is. */
  private async hangUp(call: SimCall, status: 'completed' | 'canceled'): Promise<void> {
    if (call.state === 'completed') return;
    if (call.state === 'ringing') {
      await this.endOutbound(call, 'canceled');
      return;
    }
    await this.leaveActivity(call, 'hangup')();
    await this.finish(call, status);
  }

  /** The call is over: the softphone on it is told, and its status callback gets `completed`. */
  private async finish(call: SimCall, status: string): Promise<void> {
    if (call.state === 'completed') return;
    const answered = call.answeredAt !== null;
    call.state = 'completed';
    call.endStatus = status;
    call.endedAt = Date.now();
    call.queue?.music.abort();
    this.calls.delete(call.identity.callSid);
    if (call.endpoint.kind === 'softphone' && call.endpoint.socket) this.send(call.endpoint.socket, { type: 'disconnect', callSid: call.endpoint.key });
    if (call.direction === 'inbound') {
      // As a Twilio number configured with /twilio/status as its status callback reports it.
      const params = parentStatusParams(call.identity, status, secondsSince(call.startedAt), call.sequence++);
      await this.post(`${this.options.webhookBase()}/twilio/status`, params);
      return;
    }
    await this.progress(call, 'completed', status, answered ? secondsSince(call.answeredAt) : 0);
  }

  // ── Plumbing ────────────────────────────────────────────────────────────────────────────────

  private newCall(numbers: { from: string; to: string }, direction: SimCall['direction'], parentSid: string | null, endpoint: SimEndpoint, callSid = newCallSid()): SimCall {
    const call: SimCall = {
      identity: { accountSid: this.accountSid, callSid, from: numbers.from, to: numbers.to },
      direction,
      parentSid,
      endpoint,
      state: 'running',
      endStatus: null,
      startedAt: Date.now(),
      answeredAt: null,
      endedAt: null,
      dial: null,
      queue: null,
      conference: null,
      progress: null,
      digits: [],
      heard: [],
      sequence: 0,
      chain: Promise.resolve(),
      run: new AbortController(),
    };
    this.calls.set(callSid, call);
    return call;
  }

  /** Read through a function so TypeScript does not narrow `state` across awaits. */
  private isOver(call: SimCall): boolean {
    return call.state === 'completed';
  }

  private hear(call: SimCall, what: string): void {
    call.heard.push(what);
    if (call.heard.length > MAX_HEARD) call.heard.shift();
  }

  /** A status callback of the agent's <Dial><Client> leg, when the TwiML subscribed to that event. */
  private async legStatus(call: SimCall, leg: SimDialLeg, event: string, callStatus: string, durationSeconds?: number): Promise<void> {
    if (!leg.statusCallback || !leg.events.has(event)) return;
    const sequence = leg.sequence++;
    await this.post(leg.statusCallback, clientLegStatusParams(call.identity, { ...leg, sequence }, callStatus, durationSeconds));
  }

  /** A status callback of a call we placed, when its creator subscribed to that event. */
  private async progress(call: SimCall, event: string, callStatus: string, durationSeconds?: number): Promise<void> {
    const progress = call.progress;
    if (!progress || !progress.events.has(event)) return;
    await this.post(progress.url, progress.params(callStatus, progress.sequence++, durationSeconds));
  }

  private post(url: string, params: Record<string, string>): Promise<WebhookAnswer> {
    return this.fetchTwiml('POST', url, params);
  }

  private async fetchTwiml(method: 'GET' | 'POST', url: string, params: Record<string, string>): Promise<WebhookAnswer> {
    try {
      const answer = await fetchSignedWebhook(this.options.credentials.authToken, method, url, params);
      if (answer.status >= 400) this.options.log.warn({ url, status: answer.status }, 'simulator: webhook refused');
      return answer;
    } catch (error) {
      // Twilio treats an unreachable webhook like an error answer (and says so in the debugger).
      this.options.log.warn({ err: error, url }, 'simulator: webhook unreachable');
      return { status: 502, body: '', url };
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return this.scheduler.sleep(ms, signal);
  }

  private later(ms: number, run: () => unknown): NodeJS.Timeout {
    return this.scheduler.later(ms, run);
  }

  private clearTimer(timer: NodeJS.Timeout | undefined): void {
    this.scheduler.clear(timer);
  }

  private serially<T>(call: SimCall, op: () => Promise<T>): Promise<T> {
    return this.scheduler.serially(call, op);
  }

  private track(promise: Promise<unknown>): void {
    this.scheduler.track(promise);
  }

  private sendToIdentity(identity: string, message: SimServerMessage, except?: WebSocket): void {
    for (const socket of this.softphones.get(identity) ?? []) if (socket !== except) this.send(socket, message);
  }

  private send(socket: WebSocket, message: SimServerMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  private sendError(socket: WebSocket, code: number, message: string): void {
    this.send(socket, { type: 'error', code, message });
  }
}
