// The simulated softphone: signals with the central server's Twilio simulator over a WebSocket at
// <serverUrl>/sim/voice (shared/softphone-protocol.ts). Every message is validated on arrival;
// a dropped socket is retried with backoff and the agent re-registered.
import type { IncomingCall } from '../../shared/domain/call.js';
import { DeskFailure, formatZodError, toDeskError } from '../../shared/errors.js';
import { SIM_VOICE_PATH, SimServerMessageSchema, type SimClientMessage, type SimServerMessage } from '../../shared/softphone-protocol.js';
import { Backoff, type BackoffOptions } from '../lib/backoff.js';
import { createLogger, type Logger } from '../lib/log.js';
import { incomingCallFromInvite } from './incoming-call.js';
import { SoftphoneCore } from './softphone-core.js';

/** The browser's WebSocket constructor, or one with the same surface (`ws` in tests). */
export type WebSocketConstructor = new (url: string) => WebSocket;

export type SimulatedSoftphoneOptions = {
  serverUrl: string;
  /** The agent id; the simulator rings this identity. */
  identity: string;
  /** A fresh voice token for each registration. */
  getToken: () => Promise<string>;
  WebSocketCtor?: WebSocketConstructor;
  backoff?: BackoffOptions;
  endedHoldMs?: number;
  log?: Logger;
};

const OPEN = 1;
/** What the protocol's `digits` message accepts. */
export const DTMF_DIGITS = /^[0-9*#wW]{1,32}$/;

/** "http://127.0.0.1:8311" → "ws://127.0.0.1:8311/sim/voice" (keeps a path prefix, if any). */
export function simVoiceUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + SIM_VOICE_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
}

export class SimulatedSoftphone extends SoftphoneCore {
  readonly kind = 'simulated' as const;
  private socket: WebSocket | null = null;
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly backoff: Backoff;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private firstRegistration: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private registerPromise: Promise<void> | null = null;

  constructor(private readonly options: SimulatedSoftphoneOptions) {
    const log = options.log ?? createLogger('softphone:simulated');
    super(options.endedHoldMs === undefined ? { log } : { log, endedHoldMs: options.endedHoldMs });
    this.WebSocketCtor = options.WebSocketCtor ?? WebSocket;
    this.backoff = new Backoff(options.backoff ?? { initialMs: 500, maxMs: 10_000 });
  }

  register(): Promise<void> {
    if (this.destroyed) return Promise.reject(new DeskFailure('SOFTPHONE_ERROR', 'the softphone was destroyed'));
    if (this.registerPromise) return this.registerPromise;
    this.registerPromise = new Promise<void>((resolve, reject) => {
      this.firstRegistration = { resolve, reject };
    });
    this.connect();
    return this.registerPromise;
  }

  accept(): boolean {
    const call = this.currentCall;
    if (this.state !== 'ringing' || !call) return false;
    this.transition('connecting', 'agent_accepted');
    this.send({ type: 'accept', callSid: call.callSid });
    // The simulator has no media leg: once it has our accept, the call is live.
    return this.transition('in_call', 'media_connected');
  }

  reject(): boolean {
    const call = this.currentCall;
    if (this.state !== 'ringing' || !call) return false;
    this.send({ type: 'reject', callSid: call.callSid });
    return this.transition('ended', 'agent_declined');
  }

  hangup(): boolean {
    const call = this.currentCall;
    if (!call || !['connecting', 'in_call', 'reconnecting'].includes(this.state)) return false;
    this.send({ type: 'hangup', callSid: call.callSid });
    return this.transition('ended', 'agent_hung_up');
  }

  // The simulator carries no media: muting is the desk's own, reported like the SDK's `mute` event.
  setMuted(muted: boolean): boolean {
    if (!this.isLive) return false;
    this.mediaMuted(muted);
    return true;
  }

  sendDigits(digits: string): boolean {
    const call = this.currentCall;
    if (!call || !this.isLive || !DTMF_DIGITS.test(digits)) return false;
    return this.send({ type: 'digits', callSid: call.callSid, digits });
  }

  async refreshRegistration(reason: string): Promise<void> {
    if (this.destroyed) return;
    // A live call rides on this socket; if it survived the sleep it stays, if not its close event
    // has ended the call already and the reconnect is under way.
    if (!this.isFree) return;
    this.log.info(`simulator: registering again (${reason})`);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const stale = this.socket;
    this.socket = null;
    if (stale) {
      stale.onopen = stale.onmessage = stale.onclose = null;
      stale.onerror = () => undefined;
      stale.close(1000, 'registering again');
    }
    this.backoff.reset();
    // Whoever still waits for the first registration hears of this one.
    const waiting = this.firstRegistration;
    const registered = new Promise<void>((resolve, reject) => {
      this.firstRegistration = {
        resolve: () => (waiting?.resolve(), resolve()),
        reject: (error) => (waiting?.reject(error), reject(error)),
      };
    });
    this.connect();
    await registered;
  }

  override destroy(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Closing a socket that is still connecting reports an error; nobody needs to hear it.
      socket.onerror = () => undefined;
      socket.close(1000, 'softphone destroyed');
    }
    this.firstRegistration?.reject(new DeskFailure('SOFTPHONE_ERROR', 'the softphone was destroyed before it registered'));
    this.firstRegistration = null;
    super.destroy();
  }

  private connect(): void {
    if (this.destroyed) return;
    this.setRegistration('registering', 'connecting to the simulator');
    let socket: WebSocket;
    try {
      socket = new this.WebSocketCtor(simVoiceUrl(this.options.serverUrl));
    } catch (error) {
      this.connectionLost(`cannot open the simulator socket: ${toDeskError(error).message}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      void this.sendRegistration(socket);
    };
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onerror = () => {
      // The close event that follows carries the recovery; nothing to add here.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.connectionLost('the simulator connection closed');
    };
  }

  private async sendRegistration(socket: WebSocket): Promise<void> {
    let token: string;
    try {
      token = await this.options.getToken();
    } catch (error) {
      this.fail(`could not get a voice token: ${toDeskError(error).message}`);
      socket.close(1000, 'no voice token');
      return;
    }
    // The socket may have closed (or the phone been destroyed) while the token was on its way.
    if (this.socket !== socket || this.destroyed) return;
    this.send({ type: 'register', identity: this.options.identity, token });
  }

  private connectionLost(reason: string): void {
    if (this.destroyed) return;
    this.setRegistration('unregistered', reason);
    // A live call cannot survive losing its signalling: end it rather than show a ghost call.
    if (!this.isFree) this.transition('ended', 'failed');
    if (this.firstRegistration) {
      this.firstRegistration.reject(new DeskFailure('SOFTPHONE_ERROR', reason));
      this.firstRegistration = null;
    }
    const delay = this.backoff.next();
    this.log.info(`simulator: reconnecting in ${delay} ms (${reason})`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private receive(data: unknown): void {
    let message: SimServerMessage;
    try {
      const parsed = SimServerMessageSchema.safeParse(JSON.parse(String(data)));
      if (!parsed.success) {
        this.fail(`the simulator sent a message we do not understand: ${formatZodError(parsed.error)}`);
        return;
      }
      message = parsed.data;
    } catch {
      this.fail('the simulator sent a message that is not JSON');
      return;
    }
    this.handle(message);
  }

  private handle(message: SimServerMessage): void {
    switch (message.type) {
      case 'registered':
        this.backoff.reset();
        this.setRegistration('registered', 'the simulator accepted our registration', message.identity);
        this.firstRegistration?.resolve();
        this.firstRegistration = null;
        return;
      case 'invite':
        this.handleInvite(message);
        return;
      case 'cancel':
        if (this.isCurrent(message.callSid) && (this.state === 'ringing' || this.state === 'connecting')) {
          this.transition('ended', 'caller_cancelled');
        }
        return;
      case 'disconnect':
        if (this.isCurrent(message.callSid) && !this.isFree) {
          this.transition('ended', this.state === 'ringing' ? 'caller_cancelled' : 'caller_hung_up');
        }
        return;
      case 'error':
        this.fail(`the simulator reported error ${message.code}: ${message.message}`, { twilioCode: message.code });
        return;
    }
  }

  private handleInvite(invite: Extract<SimServerMessage, { type: 'invite' }>): void {
    if (!this.isFree) {
      // One call at a time: decline so the router offers the call to someone else.
      this.log.info(`simulator: declined ${invite.callSid}, already on ${this.currentCall?.callSid ?? 'a call'}`);
      this.send({ type: 'reject', callSid: invite.callSid });
      return;
    }
    let call: IncomingCall;
    try {
      call = incomingCallFromInvite(invite);
    } catch (error) {
      this.fail(toDeskError(error).message, { callSid: invite.callSid });
      this.send({ type: 'reject', callSid: invite.callSid });
      return;
    }
    this.transition('ringing', 'invite', call);
  }

  private isCurrent(callSid: string): boolean {
    return this.currentCall?.callSid === callSid;
  }

  private send(message: SimClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      this.log.warn(`simulator: cannot send ${message.type}, not connected`);
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }
}
