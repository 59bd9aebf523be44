// Pokes connected desk hosts over WebSocket when the change log grew, so they pull at once
// instead of waiting for their next poll. Bursts of commits coalesce into one poke per window.
// Live call and agent events go to the sockets of the agents they concern.
import type { WebSocket } from 'ws';
import type { HostLiveMessage, PokeMessage } from '../../shared/sync-protocol.js';
import type { LiveBus, LiveEvent } from '../live/live-bus.js';
import { readHeadVersion } from '../store/change-log.js';
import type { Store } from '../store/store.js';
import type { ChangeNotifier } from './change-notifier.js';

export const POKE_DEBOUNCE_MS = 50;

export interface PokeHubOptions {
  debounceMs?: number;
  /** Where a failed head read is reported; a missed poke is covered by the hosts' polling. */
  onError?: (error: unknown) => void;
}

/** The agents a live event concerns: the agent itself, or everyone a call rang or passed through. */
function recipientsOf(event: LiveEvent): Set<string> {
  if (event.kind === 'agent') return new Set([event.agent.id]);
  const ids = new Set(event.call.timeline.map((step) => step.agentId).filter((id): id is string => id !== null));
  if (event.call.agentId) ids.add(event.call.agentId);
  return ids;
}

export class PokeHub {
  private readonly sockets = new Set<WebSocket>();
  private readonly agentOf = new Map<WebSocket, string>();
  private readonly unsubscribe: () => void;
  private unsubscribeLive: () => void = () => undefined;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    notifier: ChangeNotifier,
    private readonly options: PokeHubOptions = {},
  ) {
    this.unsubscribe = notifier.subscribe(() => this.schedule());
  }

  /** Sends call and agent changes from `bus` to the sockets of the agents they concern. */
  followLiveBus(bus: LiveBus): void {
    this.unsubscribeLive();
    this.unsubscribeLive = bus.subscribe((event) => this.sendLive(event));
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Serves one host's socket (signed in as `agentId`); it gets a poke at once, so it catches up on what it missed offline. */
  attach(socket: WebSocket, agentId: string | null = null): void {
    if (this.closed) {
      socket.close(1001, 'server closing');
      return;
    }
    this.sockets.add(socket);
    if (agentId) this.agentOf.set(socket, agentId);
    const forget = () => {
      this.sockets.delete(socket);
      this.agentOf.delete(socket);
    };
    socket.on('close', forget);
    socket.on('error', forget);
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

  private sendLive(event: LiveEvent): void {
    if (this.closed) return;
    const recipients = recipientsOf(event);
    const message: HostLiveMessage = event.kind === 'agent' ? { type: 'agent', agent: event.agent } : { type: 'call', call: event.call };
    const text = JSON.stringify(message);
    for (const [socket, agentId] of this.agentOf) {
      if (recipients.has(agentId) && socket.readyState === socket.OPEN) socket.send(text);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.unsubscribeLive();
    for (const socket of this.sockets) socket.close(1001, 'server closing');
    this.sockets.clear();
    this.agentOf.clear();
  }
}
