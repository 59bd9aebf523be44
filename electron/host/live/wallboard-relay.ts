// Relays the server's wallboard feed (`/live/wallboard`) to the renderer, which never talks to the
// server itself. One socket per host, open only while some renderer holds a watch lease; each
// server message is checked against the contract before it becomes a `wallboard` event, and a
// dropped socket is reported (`feed_down`, with since when) and reopened with backoff.
import WebSocket from 'ws';
import type { WallboardRelayMessage, WallboardRelayStatus } from '../../../shared/desk-api.js';
import { formatZodError } from '../../../shared/errors.js';
import { LIVE_WALLBOARD_PATH, LiveServerMessageSchema, type LiveClientMessage } from '../../../shared/live-protocol.js';
import type { HostLog } from '../host-log.js';

export interface WallboardRelayOptions {
  serverUrl: string;
  /** The bearer token for the socket's `?token=`, signing in first if need be. */
  token: () => Promise<string>;
  /** The server refused the token (401): a new one is due before the next attempt. */
  renewToken?: () => Promise<unknown>;
  emit: (message: WallboardRelayMessage) => void;
  /** How long a watch lasts without renewal (default 30 s). */
  leaseMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  now?: () => Date;
  log?: HostLog;
}

type Feed = WallboardRelayStatus['feed'];

export class WallboardRelay {
  private readonly watchers = new Map<string, number>();
  private socket: WebSocket | null = null;
  private feed: Feed = 'connecting';
  private downSince: string | null = null;
  private running = false;
  private connecting = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private tokenRefused = false;
  private closed = false;
  private readonly leaseMs: number;

  constructor(private readonly options: WallboardRelayOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** Starts or renews a watcher's lease; a new watcher gets a fresh snapshot. */
  watch(watcherId: string): WallboardRelayStatus {
    const isNew = !this.watchers.has(watcherId);
    this.watchers.set(watcherId, this.nowMs() + this.leaseMs);
    if (!this.closed && !this.running) this.start();
    else if (isNew) this.resync();
    return this.status();
  }

  unwatch(watcherId: string): void {
    this.watchers.delete(watcherId);
    if (this.watchers.size === 0) this.stop();
  }

  /** Asks the server for a new snapshot; with no socket up, the next connection starts with one. */
  resync(): void {
    const message: LiveClientMessage = { type: 'resync' };
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  status(): WallboardRelayStatus {
    return { leaseMs: this.leaseMs, feed: this.feed, downSince: this.downSince };
  }

  get watching(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    this.watchers.clear();
    this.stop();
  }

  private start(): void {
    this.running = true;
    this.failures = 0;
    this.feed = 'connecting';
    this.sweepTimer = setInterval(() => this.sweep(), Math.max(50, Math.floor(this.leaseMs / 4)));
    this.sweepTimer.unref?.();
    void this.connect();
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.retryTimer = null;
    this.sweepTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'nobody is watching');
    }
  }

  /** Leases run out when a page went away without unwatching (closed tab, crashed renderer). */
  private sweep(): void {
    const now = this.nowMs();
    for (const [watcherId, expiresAt] of this.watchers) if (expiresAt <= now) this.watchers.delete(watcherId);
    if (this.watchers.size === 0) this.stop();
  }

  private async connect(): Promise<void> {
    if (!this.running || this.socket || this.connecting) return;
    this.connecting = true;
    let token: string;
    try {
      if (this.tokenRefused) {
        this.tokenRefused = false;
        await this.options.renewToken?.();
      }
      token = await this.options.token();
    } catch (error) {
      this.connecting = false;
      this.lost(error instanceof Error ? error.message : String(error));
      return;
    }
    this.connecting = false;
    if (!this.running || this.socket) return;

    const url = new URL(LIVE_WALLBOARD_PATH, this.options.serverUrl.replace(/^http/, 'ws'));
    url.searchParams.set('token', token);
    const socket = new WebSocket(url, { handshakeTimeout: 5_000 });
    this.socket = socket;
    let why = 'the server closed the wallboard feed';
    socket.on('open', () => {
      this.failures = 0;
      this.feed = 'open';
      this.downSince = null;
    });
    socket.on('message', (data, isBinary) => {
      if (this.socket === socket && !isBinary) this.relay(String(data));
    });
    socket.on('error', (error) => {
      why = error.message;
      // ws says "Unexpected server response: 401" when the upgrade is refused.
      if (/\b401\b/.test(error.message)) this.tokenRefused = true;
      this.options.log?.('info', `wallboard relay: ${error.message}`);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.lost(why);
    });
  }

  private relay(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.options.log?.('warn', 'wallboard relay: dropped a message that is not JSON');
      return;
    }
    const parsed = LiveServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      // Dropped, never passed on; a lost delta shows as a hole and the renderer asks for a snapshot.
      this.options.log?.('warn', `wallboard relay: dropped a message outside the contract: ${formatZodError(parsed.error)}`);
      return;
    }
    this.options.emit(parsed.data);
  }

  private lost(reason: string): void {
    if (!this.running) return;
    if (this.feed !== 'down') {
      this.feed = 'down';
      this.downSince ??= (this.options.now?.() ?? new Date()).toISOString();
    }
    this.options.emit({ type: 'feed_down', since: this.downSince ?? (this.options.now?.() ?? new Date()).toISOString(), reason });
    const initial = this.options.retryInitialMs ?? 500;
    const delay = Math.min(this.options.retryMaxMs ?? 15_000, initial * 2 ** Math.min(this.failures, 10));
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  private nowMs(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }
}
