// The change notifier across server instances, over PostgreSQL LISTEN/NOTIFY: a push committed on
// one instance pokes the desk hosts connected to every instance. NOTIFY carries only the new head
// version; the change log itself is the durable record, so a lost notification costs only speed
// (hosts poll, and listeners are called once after a reconnect in case one was missed).
import { z } from 'zod';
import { PgListener } from '../store/pg-listener.js';
import type { Store } from '../store/store.js';
import type { ChangeNotifier } from './change-notifier.js';

/** The payload: the change log's head version, in decimal. */
const HeadPayloadSchema = z.string().regex(/^\d{1,15}$/).transform(Number);

export interface PgChangeNotifierOptions {
  /** Where NOTIFY is sent and the head read (the server's store, on the same database). */
  store: Store;
  /** For the listening connection; LISTEN needs one connection of its own, outside the pool. */
  connectionString: string;
  /** The store's schema: it names the channel, so servers on other schemas of one database stay apart. */
  schema?: string;
  minReconnectMs?: number;
  maxReconnectMs?: number;
  onError?: (error: unknown) => void;
}

export class PgChangeNotifier implements ChangeNotifier {
  readonly channel: string;
  private readonly listeners = new Set<() => void>();
  private listener: PgListener | null = null;
  /** The highest head version listeners were called for: a notification at or below it adds nothing. */
  private announced = 0;
  private notifying: Promise<void> | null = null;
  private notifyAgain = false;
  private closed = false;

  private constructor(private readonly options: PgChangeNotifierOptions) {
    this.channel = `frontdesk311_changes_${options.schema ?? 'public'}`.slice(0, 63);
  }

  /** Connects the listener before returning, so no change committed afterwards goes unheard. */
  static async start(options: PgChangeNotifierOptions): Promise<PgChangeNotifier> {
    const notifier = new PgChangeNotifier(options);
    notifier.listener = await PgListener.start({
      connectionString: options.connectionString,
      channel: notifier.channel,
      applicationName: 'frontdesk311-changes',
      notification: (payload) => {
        const head = HeadPayloadSchema.safeParse(payload);
        if (!head.success) options.onError?.(new Error(`change notification payload is not a version: ${payload ?? ''}`));
        notifier.heard(head.success ? head.data : null);
      },
      // Changes committed while no connection listened were not notified here: tell the listeners once.
      ready: (afterLoss) => {
        if (afterLoss && !notifier.closed) notifier.callListeners();
      },
      ...(options.minReconnectMs === undefined ? {} : { minReconnectMs: options.minReconnectMs }),
      ...(options.maxReconnectMs === undefined ? {} : { maxReconnectMs: options.maxReconnectMs }),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    return notifier;
  }

  /**
   * Called after the commit (never inside the transaction), so the head read here includes it.
   * A burst of commits shares NOTIFYs: one in flight, at most one more after it.
   */
  changed(): void {
    if (this.closed) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.notifyAll().finally(() => {
      this.notifying = null;
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async notifyAll(): Promise<void> {
    do {
      this.notifyAgain = false;
      try {
        // One round trip: read the head and send it. This instance hears its own NOTIFY too; the
        // head decides which of the two arrives first and calls the listeners.
        const [row] = await this.options.store.query<{ head: number }>(
          `SELECT head, pg_notify($1, head::text) FROM (SELECT COALESCE(MAX(version), 0)::int8 AS head FROM change_log) AS log`,
          [this.channel],
        );
        this.heard(row?.head ?? null);
      } catch (error) {
        this.options.onError?.(error);
        // Other instances will learn of it by polling; the hosts here need not wait for that.
        this.heard(null);
      }
    } while (this.notifyAgain && !this.closed);
  }

  /** `head` null: a change of unknown version, always passed on. */
  private heard(head: number | null): void {
    if (this.closed) return;
    if (head !== null) {
      if (head <= this.announced) return;
      this.announced = head;
    }
    this.callListeners();
  }

  private callListeners(): void {
    for (const listener of [...this.listeners]) {
      // One failing subscriber must not keep the change from the others.
      try {
        listener();
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  /** The listening connection's backend pid, or null while it is reconnecting. */
  get listenerPid(): number | null {
    return this.listener?.pid ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.close();
    await this.notifying;
    this.listeners.clear();
  }
}
