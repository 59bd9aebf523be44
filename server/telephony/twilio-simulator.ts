// Plays Twilio's cloud for development and tests: places inbound calls by posting signed voice
// webhooks over real HTTP, acts on the TwiML answers, rings simulated softphones over WebSocket,
// and reports answer, reject and hang-up back through signed status callbacks and <Dial action>.
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { toE164 } from '../../shared/phone.js';
import { SimCallRequestSchema, type SimCallRequest } from '../../shared/server-api.js';
import { SimClientMessageSchema, type SimServerMessage } from '../../shared/softphone-protocol.js';
import { DeskFailure, formatZodError } from '../../shared/errors.js';
import type { ServerConfig } from '../config.js';
import { parseTwiml, type SimDialClient, type SimVerb } from './sim-twiml.js';
import {
  clientLegStatusParams, dialActionParams, newCallSid, parentStatusParams, postSignedWebhook, voiceWebhookParams,
  type CallIdentity,
} from './sim-webhooks.js';
import { verifyVoiceToken } from './voice-token.js';

/** Error codes sent to softphones, from Twilio's catalogue. */
export const SIM_ERRORS = {
  accessTokenInvalid: 20101,
  accessTokenExpired: 20104,
  generalError: 31000,
  malformedRequest: 31100,
  callNotFound: 31404,
} as const;

interface DialLeg {
  identity: string;
  childSid: string;
  action: string | null;
  statusCallback: string | null;
  events: Set<string>;
  params: Record<string, string>;
  sequence: number;
  timer?: NodeJS.Timeout;
  answeredAt?: number;
  answeredBy?: WebSocket;
}

interface SimCall {
  identity: CallIdentity;
  state: 'new' | 'dialing' | 'bridged' | 'queued' | 'completed';
  startedAt: number;
  dial: DialLeg | null;
  queue: string | null;
  sequence: number;
  chain: Promise<unknown>;
}

export interface SimulatorOptions {
  credentials: ServerConfig['twilio'];
  /** Base URL of our webhooks, as Twilio would be configured with (the server's public URL). */
  webhookBase: () => string;
  mainNumber: string;
  transfer911Numbers: readonly string[];
  log: FastifyBaseLogger;
}

const secondsSince = (start: number | undefined): number => (start ? Math.max(0, Math.round((Date.now() - start) / 1000)) : 0);

export class TwilioSimulator {
  private readonly calls = new Map<string, SimCall>();
  private readonly softphones = new Map<string, Set<WebSocket>>();
  private readonly identityOf = new Map<WebSocket, string>();
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: SimulatorOptions) {}

  /** Places an inbound call and returns what our server answered. */
  async placeCall(request: SimCallRequest): Promise<{ callSid: string; twiml: string; routedTo: string | null }> {
    const parsed = SimCallRequestSchema.parse(request);
    const defaultTo = parsed.transfer911 ? (this.options.transfer911Numbers[0] ?? this.options.mainNumber) : this.options.mainNumber;
    const call: SimCall = {
      identity: {
        accountSid: this.options.credentials.accountSid,
        callSid: newCallSid(),
        from: toE164(parsed.from) ?? parsed.from,
        to: parsed.to ? (toE164(parsed.to) ?? parsed.to) : defaultTo,
      },
      state: 'new',
      startedAt: Date.now(),
      dial: null,
      queue: null,
      sequence: 0,
      chain: Promise.resolve(),
    };
    this.calls.set(call.identity.callSid, call);
    const url = `${this.options.webhookBase()}/twilio/voice`;
    return this.serially(call, async () => {
      const answer = await this.post(url, voiceWebhookParams(call.identity, 'ringing'));
      if (answer.status !== 200) {
        call.state = 'completed';
        this.calls.delete(call.identity.callSid);
        throw new DeskFailure('SERVER_ERROR', `the voice webhook answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
      }
      const routedTo = await this.execute(call, answer.body, url);
      return { callSid: call.identity.callSid, twiml: answer.body, routedTo };
    });
  }

  /** The caller hangs up. False when there is no such live call. */
  async hangupFromCaller(callSid: string): Promise<boolean> {
    const call = this.calls.get(callSid);
    if (!call || call.state === 'completed') return false;
    return this.serially(call, async () => {
      if (call.state === 'completed') return false;
      const leg = call.dial;
      if (leg && call.state === 'dialing') {
        this.stopRinging(call, leg);
        await this.legStatus(call, leg, 'completed', 'canceled');
      } else if (leg && call.state === 'bridged') {
        call.dial = null;
        if (leg.answeredBy) this.send(leg.answeredBy, { type: 'disconnect', callSid });
        await this.legStatus(call, leg, 'completed', 'completed', secondsSince(leg.answeredAt));
      }
      await this.complete(call);
      return true;
    });
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
      this.track(this.onCallMessage(socket, identity, message.type, message.callSid));
    });
    socket.on('close', () => this.detach(socket));
  }

  /** Stops ringing timers and waits for webhooks in flight; the server closes the sockets. */
  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.calls.values()) if (call.dial?.timer) clearTimeout(call.dial.timer);
    await Promise.allSettled([...this.pending]);
  }

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
    }
  }

  private async onCallMessage(socket: WebSocket, identity: string, type: 'accept' | 'reject' | 'hangup', callSid: string): Promise<void> {
    const call = this.calls.get(callSid);
    if (!call) {
      this.sendError(socket, SIM_ERRORS.callNotFound, `no call ${callSid}`);
      return;
    }
    await this.serially(call, async () => {
      const leg = call.dial;
      if (!leg || leg.identity !== identity || (call.state !== 'dialing' && call.state !== 'bridged')) {
        this.sendError(socket, SIM_ERRORS.callNotFound, `call ${callSid} is not ringing or connected here`);
        return;
      }
      if (call.state === 'dialing' && type === 'accept') {
        clearTimeout(leg.timer);
        call.state = 'bridged';
        leg.answeredAt = Date.now();
        leg.answeredBy = socket;
        this.sendToIdentity(identity, { type: 'cancel', callSid }, socket);
        await this.legStatus(call, leg, 'answered', 'in-progress');
      } else if (call.state === 'dialing') {
        // Declining (or hanging up) a ringing call: the leg ends unanswered and <Dial> reports busy.
        await this.endUnanswered(call, leg, 'no-answer', 'busy', socket);
      } else if (type === 'hangup' && leg.answeredBy === socket) {
        await this.agentHangup(call);
      } else {
        this.sendError(socket, SIM_ERRORS.generalError, `call ${callSid} is already answered`);
      }
    });
  }

  /** Acts on a TwiML document; returns the identity it rang, if any. */
  private async execute(call: SimCall, xml: string, documentUrl: string): Promise<string | null> {
    let verbs: SimVerb[];
    try {
      verbs = parseTwiml(xml);
    } catch (error) {
      this.options.log.warn({ err: error, callSid: call.identity.callSid }, 'simulator: unreadable TwiML; hanging up');
      await this.complete(call);
      return null;
    }
    for (const verb of verbs) {
      if (verb.verb === 'Dial') {
        const client = verb.clients[0];
        if (!client) continue; // Dialling phone numbers is not simulated.
        await this.startDial(call, verb.action, verb.timeoutSeconds, client, documentUrl);
        return client.identity;
      }
      if (verb.verb === 'Enqueue') {
        call.state = 'queued';
        call.queue = verb.queue;
        return null;
      }
      if (verb.verb === 'Hangup' || verb.verb === 'Reject') break;
      if (verb.verb === 'Unsupported') this.options.log.debug({ verb: verb.name }, 'simulator: TwiML verb not simulated');
    }
    // Twilio hangs up when the document runs out.
    await this.complete(call);
    return null;
  }

  private async startDial(call: SimCall, action: string | null, timeoutSeconds: number, client: SimDialClient, documentUrl: string): Promise<void> {
    const leg: DialLeg = {
      identity: client.identity,
      childSid: newCallSid(),
      action: action ? new URL(action, documentUrl).toString() : null,
      statusCallback: client.statusCallback ? new URL(client.statusCallback, documentUrl).toString() : null,
      events: new Set(client.statusCallbackEvents),
      params: client.params,
      sequence: 0,
    };
    call.dial = leg;
    call.state = 'dialing';
    await this.legStatus(call, leg, 'initiated', 'initiated');
    const { callSid, from, to } = call.identity;
    this.sendToIdentity(leg.identity, { type: 'invite', callSid, from, to, params: { ...leg.params, From: from, To: to } });
    await this.legStatus(call, leg, 'ringing', 'ringing');
    leg.timer = setTimeout(() => {
      if (!this.closed) this.track(this.serially(call, () => this.endUnanswered(call, leg, 'no-answer', 'no-answer')));
    }, timeoutSeconds * 1000);
  }

  private stopRinging(call: SimCall, leg: DialLeg, except?: WebSocket): void {
    clearTimeout(leg.timer);
    call.dial = null;
    this.sendToIdentity(leg.identity, { type: 'cancel', callSid: call.identity.callSid }, except);
  }

  private async endUnanswered(call: SimCall, leg: DialLeg, legStatus: string, dialCallStatus: string, except?: WebSocket): Promise<void> {
    if (call.dial !== leg || call.state !== 'dialing') return;
    this.stopRinging(call, leg, except);
    await this.legStatus(call, leg, 'completed', legStatus);
    await this.dialAction(call, leg, dialCallStatus);
  }

  private async agentHangup(call: SimCall): Promise<void> {
    const leg = call.dial;
    if (!leg || call.state !== 'bridged') return;
    call.dial = null;
    const duration = secondsSince(leg.answeredAt);
    await this.legStatus(call, leg, 'completed', 'completed', duration);
    await this.dialAction(call, leg, 'completed', duration);
  }

  /** Asks <Dial action> what to do next and does it; without an action the call ends. */
  private async dialAction(call: SimCall, leg: DialLeg, dialCallStatus: string, durationSeconds?: number): Promise<void> {
    call.state = 'new';
    if (!leg.action) {
      await this.complete(call);
      return;
    }
    const params = dialActionParams(call.identity, { childSid: leg.childSid, dialCallStatus, durationSeconds }, 'in-progress');
    const answer = await this.post(leg.action, params);
    if (answer.status !== 200) {
      await this.complete(call);
      return;
    }
    await this.execute(call, answer.body, leg.action);
  }

  /** A status callback of the agent's leg, when the TwiML subscribed to that event. */
  private async legStatus(call: SimCall, leg: DialLeg, event: string, callStatus: string, durationSeconds?: number): Promise<void> {
    if (!leg.statusCallback || !leg.events.has(event)) return;
    const sequence = leg.sequence++;
    await this.post(leg.statusCallback, clientLegStatusParams(call.identity, { ...leg, sequence }, callStatus, durationSeconds));
  }

  /**
   * Ends the caller's leg and reports it to /twilio/status, as a Twilio number configured with
   * that status callback URL would.
   */
  private async complete(call: SimCall): Promise<void> {
    if (call.state === 'completed') return;
    call.state = 'completed';
    if (call.dial) clearTimeout(call.dial.timer);
    call.dial = null;
    this.calls.delete(call.identity.callSid);
    const params = parentStatusParams(call.identity, 'completed', secondsSince(call.startedAt), call.sequence++);
    await this.post(`${this.options.webhookBase()}/twilio/status`, params);
  }

  private async post(url: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
    const answer = await postSignedWebhook(this.options.credentials.authToken, url, params);
    if (answer.status >= 400) this.options.log.warn({ url, status: answer.status }, 'simulator: webhook refused');
    return answer;
  }

  /** Runs `op` after everything already queued for this call, so webhooks arrive in order. */
  private serially<T>(call: SimCall, op: () => Promise<T>): Promise<T> {
    const result = call.chain.then(op);
    call.chain = result.catch((error: unknown) => {
      this.options.log.warn({ err: error, callSid: call.identity.callSid }, 'simulator: call step failed');
    });
    this.track(call.chain);
    return result;
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.catch(() => undefined);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
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
