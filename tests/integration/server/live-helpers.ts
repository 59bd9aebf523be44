// A team lead's wallboard socket for integration tests: keeps every message, waits for one.
import WebSocket from 'ws';
import type { CallControlState } from '../../../shared/call-control.js';
import type { Agent } from '../../../shared/domain/agent.js';
import { LIVE_WALLBOARD_PATH, LiveServerMessageSchema, type LiveServerMessage } from '../../../shared/live-protocol.js';

export class LeadSocket {
  readonly messages: LiveServerMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(LiveServerMessageSchema.parse(JSON.parse(String(data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(baseUrl: string, token: string): Promise<LeadSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${LIVE_WALLBOARD_PATH}?token=${encodeURIComponent(token)}`);
    // Listening before the upgrade completes: the snapshot can arrive in the same read as the handshake.
    const lead = new LeadSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return lead;
  }

  async waitFor<T extends LiveServerMessage['type']>(
    type: T,
    match: (message: Extract<LiveServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<LiveServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(
        (message): message is Extract<LiveServerMessage, { type: T }> =>
          message.type === type && match(message as Extract<LiveServerMessage, { type: T }>),
      );
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** The HTTP status a refused WebSocket upgrade answers with. */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('open', () => {
      socket.close();
      reject(new Error('the socket opened'));
    });
    socket.once('error', () => undefined);
  });
}

export function agentChange(id: string, state: Agent['state'], over: Partial<Agent> = {}): Agent {
  return {
    id, displayName: `Agent ${id}`, role: 'call_taker', skills: ['general'], state,
    stateSince: new Date().toISOString(), stateReason: null, ...over,
  };
}

/** A call waiting in a queue, as the router would publish it; `timelineSize` pads it past NOTIFY's 8000 bytes. */
export function waitingCall(callId: string, over: Partial<CallControlState> = {}, timelineSize = 1): CallControlState {
  const received = new Date(Date.now() - 1000).toISOString();
  return {
    callId, callSid: `CA${callId.replace(/-/g, '')}`, from: '+12155550142', queue: 'general', is911Transfer: false,
    phase: 'queued', agentId: null, onHold: false, transfer: null, disposition: null, caseId: null,
    timeline: [
      { at: received, kind: 'received', agentId: null, detail: null },
      ...Array.from({ length: timelineSize - 1 }, () => ({ at: received, kind: 'queued' as const, agentId: null, detail: 'x'.repeat(100) })),
    ],
    ...over,
  };
}
