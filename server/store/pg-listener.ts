// One PostgreSQL connection that LISTENs on a channel, for features that fan out across server
// instances (the live bus, sync pokes). LISTEN needs a connection of its own, outside the pool;
// when it drops it reconnects with jittered backoff and says so, since notifications sent
// meanwhile were lost.
import pg from 'pg';

export interface PgListenerOptions {
  connectionString: string;
  channel: string;
  /** Shown in pg_stat_activity, so an operator can tell the listeners apart. */
  applicationName: string;
  /** Runs once LISTEN is in place, before the connection is used; a throw fails this attempt. */
  prepare?: (afterLoss: boolean) => Promise<void>;
  /** The connection is listening and in use; `afterLoss` after a reconnect. */
  ready: (afterLoss: boolean) => void;
  /** A NOTIFY on the channel, while this connection is the one in use. */
  notification: (payload: string | undefined) => void;
  minReconnectMs?: number;
  maxReconnectMs?: number;
  onError?: (error: unknown) => void;
}

export class PgListener {
  private client: pg.Client | null = null;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(private readonly options: PgListenerOptions) {}

  /** Listening before it returns, so nothing notified afterwards is missed; throws if it cannot. */
  static async start(options: PgListenerOptions): Promise<PgListener> {
    const listener = new PgListener(options);
    await listener.listen(false);
    return listener;
  }

  /** The listening connection's backend pid, or null while reconnecting (tests cut it). */
  get pid(): number | null {
    return (this.client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }

  private async listen(afterLoss: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: this.options.applicationName });
    client.on('notification', (message) => {
      if (this.client === client) this.options.notification(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
      await this.options.prepare?.(afterLoss);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectAttempt = 0;
    this.options.ready(afterLoss);
  }

  private lost(client: pg.Client, error: unknown): void {
    if (error) this.options.onError?.(error);
    if (this.closed || this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const min = this.options.minReconnectMs ?? 100;
    const max = this.options.maxReconnectMs ?? 10_000;
    const ceiling = Math.min(max, min * 2 ** this.reconnectAttempt);
    this.reconnectAttempt++;
    // Jitter, so instances that lost the database together do not return in lockstep.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen(true).catch((error: unknown) => {
        this.options.onError?.(error);
        this.scheduleReconnect();
      });
    }, delay);
  }
}
