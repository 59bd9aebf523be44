// Listens on the server's poke WebSocket: a poke means "there is something to pull"; `agent` and
// `call` messages are live changes (a team lead's state change, a wrap-up timer, a transfer
// answered) that go straight to the renderer. It never
// retries on its own; the sync loop asks it to connect after each cycle, so reconnects follow
// the loop's interval and backoff. Polling stays the fallback while it is down.
import WebSocket from 'ws';
import type { CallControlState } from '../../../shared/call-control.js';
import type { Agent } from '../../../shared/domain/agent.js';
import { formatZodError } from '../../../shared/errors.js';
import { HostLiveMessageSchema, SYNC_POKE_PATH } from '../../../shared/sync-protocol.js';
import type { HostLog } from '../host-log.js';
import type { PokeChannel } from './sync-loop.js';

export interface PokeSocketOptions {
  serverUrl: string;
  /** The current bearer token; no token, no connection. */
  token: () => string | null;
  onPoke: (headVersion: number) => void;
  onAgent?: (agent: Agent) => void;
  onCall?: (call: CallControlState) => void;
  log?: HostLog;
}

export class PokeSocket implements PokeChannel {
  private socket: WebSocket | null = null;
  private closed = false;

  constructor(private readonly options: PokeSocketOptions) {}

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  ensureConnected(): void {
    if (this.closed || this.socket) return;
    const token = this.options.token();
    if (!token) return;
    const url = new URL(SYNC_POKE_PATH, this.options.serverUrl.replace(/^http/, 'ws'));
    url.searchParams.set('token', token);
    const socket = new WebSocket(url, { handshakeTimeout: 5_000 });
    this.socket = socket;
    socket.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      this.receive(message);
    });
    socket.on('error', (error) => {
      // Routine while the server is away; the loop's next cycle tries again.
      this.options.log?.('info', `poke socket: ${error.message}`);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
  }

  private receive(message: unknown): void {
    const live = HostLiveMessageSchema.safeParse(message);
    if (!live.success) {
      this.options.log?.('warn', `poke socket: dropped a message outside the contract: ${formatZodError(live.error)}`);
      return;
    }
    switch (live.data.type) {
      case 'poke':
        this.options.onPoke(live.data.headVersion);
        return;
      case 'agent':
        this.options.onAgent?.(live.data.agent);
        return;
      case 'call':
        this.options.onCall?.(live.data.call);
        return;
    }
  }

  close(): void {
    this.closed = true;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close();
  }
}
