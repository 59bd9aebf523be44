// Pokes connected desk hosts over WebSocket when the change log grew, so they pull at once
// instead of waiting for their next poll. Bursts of commits coalesce into one poke per window.
import type { WebSocket } from 'ws';
import type { PokeMessage } from '../../shared/sync-protocol.js';
import { readHeadVersion } from '../store/change-log.js';
import type { Store } from '../store/store.js';
import type { ChangeNotifier } from './change-notifier.js';

export const POKE_DEBOUNCE_MS = 50;

export interface PokeHubOptions {
  debounceMs?: number;
  /** Where a failed head read is reported; a missed poke is covered by the hosts' polling. */
  onError?: (error: unknown) => void;
}

export class PokeHub {
  private readonly sockets = new Set<WebSocket>();
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    notifier: ChangeNotifier,
    private readonly options: PokeHubOptions = {},
  ) {
    this.unsubscribe = notifier.subscribe(() => this.schedule());
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Serves one host's socket; it gets a poke at once, so it catches up on what it missed offline. */
  attach(socket: WebSocket): void {
    if (this.closed) {
      socket.close(1001, 'server closing');
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => this.sockets.delete(socket));
    void this.pokeAll([socket]);
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pokeAll([...this.sockets]);
    }, this.options.debounceMs ?? POKE_DEBOUNCE_MS);
  }

  private async pokeAll(sockets: WebSocket[]): Promise<void> {
    if (sockets.length === 0) return;
    try {
      const message: PokeMessage = { type: 'poke', headVersion: await readHeadVersion(this.store) };
      if (this.closed) return;
      const text = JSON.stringify(message);
      for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    for (const socket of this.sockets) socket.close(1001, 'server closing');
    this.sockets.clear();
  }
}
