// The live bus across server instances, over PostgreSQL LISTEN/NOTIFY. An event is stored in
// live_events (one global sequence) and NOTIFY carries only its sequence number: a call's full
// state can outgrow NOTIFY's 8000-byte payload, and the table lets a burst of notifications be
// read in one query, in order. A dedicated connection listens (PgListener); after it reconnects,
// subscribers are told to resync, since events published meanwhile were not delivered.
import { z } from 'zod';
import { CallControlStateSchema } from '../../shared/call-control.js';
import { AgentSchema } from '../../shared/domain/agent.js';
import { PgListener } from '../store/pg-listener.js';
import type { Store } from '../store/store.js';
import type { LiveBus, LiveEvent } from './live-bus.js';
import type { LiveFeed, LiveFeedListener } from './live-feed.js';

const LiveEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), call: CallControlStateSchema }),
  z.object({ kind: z.literal('agent'), agent: AgentSchema }),
]);

const FETCH_PAGE = 500;
const PRUNE_EVERY_MS = 5 * 60_000;

export interface PgLiveBusOptions {
  /** Where events are written and read (the server's store, on the same database). */
  store: Store;
  /** For the listening connection; LISTEN needs one connection of its own, outside the pool. */
  connectionString: string;
  /** The store's schema: it names the channel, so servers on other schemas of one database stay apart. */
  schema?: string;
  minReconnectMs?: number;
  maxReconnectMs?: number;
  /** How long events stay in live_events. */
  retentionMinutes?: number;
  onError?: (error: unknown) => void;
}

export class PgLiveBus implements LiveBus, LiveFeed {
  private readonly channel: string;
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly feedListeners = new Set<LiveFeedListener>();
  private listener: PgListener | null = null;
  /** The sequence of the last event handed to subscribers. */
  private delivered = 0;
  private fetching: Promise<void> | null = null;
  private fetchAgain = false;
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(private readonly options: PgLiveBusOptions) {
    this.channel = `frontdesk311_live_${options.schema ?? 'public'}`.slice(0, 63);
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  /** Connects the listener before returning, so nothing published afterwards is missed. */
  static async start(options: PgLiveBusOptions): Promise<PgLiveBus> {
    const bus = new PgLiveBus(options);
    let head = 0;
    try {
      bus.listener = await PgListener.start({
        connectionString: options.connectionString,
        channel: bus.channel,
        applicationName: 'frontdesk311-live',
        // Listening now: anything committed from here on is notified. What came before is either
        // already delivered or, after a loss, known only to the database.
        prepare: async () => {
          head = await bus.headSeq();
        },
        ready: (afterLoss) => {
          if (bus.delivered < head) bus.delivered = head;
          if (afterLoss) for (const listener of [...bus.feedListeners]) bus.guard(() => listener.resync());
          bus.scheduleFetch();
        },
        notification: () => bus.scheduleFetch(),
        ...(options.minReconnectMs === undefined ? {} : { minReconnectMs: options.minReconnectMs }),
        ...(options.maxReconnectMs === undefined ? {} : { maxReconnectMs: options.maxReconnectMs }),
        ...(options.onError ? { onError: options.onError } : {}),
      });
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  async publish(event: LiveEvent): Promise<void> {
    await this.options.store.transaction(async (tx) => {
      // Publishers take turns, so sequence order is commit order: a reader that has seen N has
      // seen everything below N, and "after the last one I delivered" never skips a late commit.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.channel]);
      const [row] = await tx.query<{ seq: number }>('INSERT INTO live_events (event) VALUES ($1::jsonb) RETURNING seq', [
        JSON.stringify(event),
      ]);
      await tx.query('SELECT pg_notify($1, $2)', [this.channel, String(row?.seq)]);
    });
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeFeed(listener: LiveFeedListener): () => void {
    this.feedListeners.add(listener);
    return () => this.feedListeners.delete(listener);
  }

  async headSeq(): Promise<number> {
    const [row] = await this.options.store.query<{ seq: number }>('SELECT COALESCE(max(seq), 0) AS seq FROM live_events');
    return row?.seq ?? 0;
  }

  /** The listening connection's backend pid (tests cut it to prove the reconnect). */
  get listenerPid(): number | null {
    return this.listener?.pid ?? null;
  }

  private scheduleFetch(): void {
    if (this.closed) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = this.fetchNew()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.fetching = null;
      });
  }

  private async fetchNew(): Promise<void> {
    do {
      this.fetchAgain = false;
      const rows = await this.options.store.query<{ seq: number; event: unknown }>(
        'SELECT seq, event FROM live_events WHERE seq > $1 ORDER BY seq LIMIT $2',
        [this.delivered, FETCH_PAGE],
      );
      if (this.closed) return;
      for (const row of rows) {
        if (row.seq <= this.delivered) continue;
        this.delivered = row.seq;
        const parsed = LiveEventSchema.safeParse(row.event);
        if (!parsed.success) {
          this.options.onError?.(new Error(`live event ${row.seq} does not match the schema: ${parsed.error.message}`));
          continue;
        }
        this.deliver(parsed.data as LiveEvent, row.seq);
      }
      if (rows.length === FETCH_PAGE) this.fetchAgain = true;
    } while (this.fetchAgain && !this.closed);
  }

  private deliver(event: LiveEvent, seq: number): void {
    for (const listener of [...this.listeners]) this.guard(() => listener(event));
    for (const listener of [...this.feedListeners]) this.guard(() => listener.event(event, seq));
  }

  /** One failing subscriber must not keep the event from the others. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private async prune(): Promise<void> {
    try {
      // The newest row stays, so the head sequence never goes back.
      await this.options.store.query(
        `DELETE FROM live_events
         WHERE published_at < now() - make_interval(mins => $1) AND seq < (SELECT max(seq) FROM live_events)`,
        [this.options.retentionMinutes ?? 60],
      );
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pruneTimer);
    await this.listener?.close();
    await this.fetching;
    this.listeners.clear();
    this.feedListeners.clear();
  }
}
