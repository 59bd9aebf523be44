// Listens on the server's poke WebSocket: a poke means "there is something to pull". It never
// retries on its own; the sync loop asks it to connect after each cycle, so reconnects follow
// the loop's interval and backoff. Polling stays the fallback while it is down.
import WebSocket from 'ws';
import { PokeMessageSchema, SYNC_POKE_PATH } from '../../../shared/sync-protocol.js';
import type { HostLog } from '../host-log.js';
import type { PokeChannel } from './sync-loop.js';

export interface PokeSocketOptions {
  serverUrl: string;
  /** The current bearer token; no token, no connection. */
  token: () => string | null;
  onPoke: (headVersion: number) => void;
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
      const poke = PokeMessageSchema.safeParse(message);
      if (poke.success) this.options.onPoke(poke.data.headVersion);
    });
    socket.on('error', (error) => {
      // Routine while the server is away; the loop's next cycle tries again.
      this.options.log?.('info', `poke socket: ${error.message}`);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
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
