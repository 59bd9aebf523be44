// Serves the team leads' wallboard sockets from this instance's LiveState: a snapshot when a
// socket opens (or asks for one), every delta after it, and the alerts in force whenever they
// change. One JSON text per message is built once and sent to every socket.
import {
  AlertThresholdsSchema, LiveClientMessageSchema,
  type AlertThresholds, type LiveServerMessage, type WallboardAlert,
} from '../../shared/live-protocol.js';
import { computeAlerts } from '../../shared/queue/alerts.js';
import { DEFAULT_METRICS_CONFIG, type MetricsConfig } from '../../shared/queue/metrics.js';
import type { LiveDelta, LiveState } from './live-state.js';

/** What the hub needs of a socket; `ws` sockets are adapted in routes/live.ts, tests use plain objects. */
export interface WallboardPeer {
  send(text: string): void;
  close(code: number, reason: string): void;
  onMessage(handler: (text: string) => void): void;
  onClose(handler: () => void): void;
}

export interface WallboardHubOptions {
  metrics?: MetricsConfig;
  thresholds?: Partial<AlertThresholds>;
  /** How often alerts and the day are checked (alerts also depend on the clock). */
  tickMs?: number;
  now?: () => Date;
}

export class WallboardHub {
  private readonly peers = new Set<WallboardPeer>();
  private readonly metrics: MetricsConfig;
  private readonly thresholds: AlertThresholds;
  private readonly now: () => Date;
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private alerts: WallboardAlert[] = [];
  private alertsKey = '[]';
  private snapshotText: { seq: number; text: string } | null = null;
  private closed = false;

  constructor(
    private readonly state: LiveState,
    options: WallboardHubOptions = {},
  ) {
    this.metrics = options.metrics ?? DEFAULT_METRICS_CONFIG;
    this.thresholds = AlertThresholdsSchema.parse(options.thresholds ?? {});
    this.now = options.now ?? (() => new Date());
    this.unsubscribe = state.subscribe({
      delta: (delta) => this.broadcastDelta(delta),
      rebuilt: () => {
        this.snapshotText = null;
        const text = this.snapshotMessage();
        for (const peer of this.peers) peer.send(text);
      },
    });
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 1000);
    this.timer.unref();
  }

  get connections(): number {
    return this.peers.size;
  }

  attach(peer: WallboardPeer): void {
    if (this.closed) {
      peer.close(1001, 'server closing');
      return;
    }
    this.peers.add(peer);
    peer.onClose(() => this.peers.delete(peer));
    peer.onMessage((text) => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        message = null;
      }
      const parsed = LiveClientMessageSchema.safeParse(message);
      if (!parsed.success) return peer.close(1008, 'not a wallboard message');
      if (parsed.data.type === 'resync') peer.send(this.snapshotMessage());
    });
    peer.send(this.snapshotMessage());
    peer.send(this.alertsMessage());
  }

  /** Recomputes the alerts; sends them when they differ from the last ones sent. */
  tick(): void {
    this.state.checkDay();
    const alerts = computeAlerts(this.state.snapshot().board, this.now(), this.thresholds, this.metrics);
    const key = JSON.stringify(alerts);
    if (key === this.alertsKey) return;
    this.alerts = alerts;
    this.alertsKey = key;
    const text = this.alertsMessage();
    for (const peer of this.peers) peer.send(text);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    for (const peer of this.peers) peer.close(1001, 'server closing');
    this.peers.clear();
  }

  private snapshotMessage(): string {
    const { seq, board } = this.state.snapshot();
    if (this.snapshotText?.seq !== seq) {
      const message: LiveServerMessage = {
        type: 'snapshot', seq, at: this.now().toISOString(), board, metrics: this.metrics, thresholds: this.thresholds,
      };
      this.snapshotText = { seq, text: JSON.stringify(message) };
    }
    return this.snapshotText.text;
  }

  private alertsMessage(): string {
    const message: LiveServerMessage = { type: 'alerts', at: this.now().toISOString(), alerts: this.alerts };
    return JSON.stringify(message);
  }

  private broadcastDelta(delta: LiveDelta): void {
    if (this.peers.size === 0) return;
    const message: LiveServerMessage = { type: 'delta', ...delta, at: this.now().toISOString() };
    const text = JSON.stringify(message);
    for (const peer of this.peers) peer.send(text);
  }
}
