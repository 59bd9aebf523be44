// The one owner of sync timing: when to pull, debouncing pokes, backing off (with a ceiling and
// jitter) while the server is away, resetting on recovery, and the status the desk shows. The
// work itself (sign in, push, pull pages, apply them) is injected; the poke socket is
// (re)connected on the loop's own cadence, so its retries back off with everything else.
import type { SyncStatus } from '../../../shared/desk-api.js';
import { toDeskError, type DeskError } from '../../../shared/errors.js';

export interface SyncTimers {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** 0..1, for jitter; retries of many desks after a server restart should not arrive together. */
  random(): number;
}

export const systemTimers: SyncTimers = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: Math.random,
};

export interface SyncProgress {
  cursor: number;
  headVersion: number;
  rowsInCache: SyncStatus['rowsInCache'];
  /** False while a first sync (or a long catch-up) still has pages to fetch. */
  caughtUp: boolean;
  /** Outbox and conflict counts after this step. */
  local?: LocalCounts;
  /** Rows, rate and time left while paging through a backlog; null once caught up. */
  backlog?: SyncStatus['progress'];
}

export type LocalCounts = Pick<SyncStatus, 'pendingMutations' | 'rejectedMutations' | 'openConflicts'>;

/** The server's "pull now" channel (a WebSocket); the loop asks it to connect after each cycle. */
export interface PokeChannel {
  ensureConnected(): void;
  close(): void;
}

export interface SyncWork {
  /** One full exchange with the server; reports after each applied page. Null when closed mid-way. */
  run(progress: (update: SyncProgress) => void, isClosed: () => boolean): Promise<SyncProgress | null>;
}

export interface SyncLoopOptions {
  pullIntervalMs?: number;
  retryBaseMs?: number;
  retryCeilingMs?: number;
  debounceMs?: number;
  timers?: SyncTimers;
  pokes?: PokeChannel;
}

type StatusListener = (status: SyncStatus) => void;

export class SyncLoop {
  private status: SyncStatus;
  private readonly listeners = new Set<StatusListener>();
  private readonly timers: SyncTimers;
  private readonly pullIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly retryCeilingMs: number;
  private readonly debounceMs: number;
  private timer: { handle: unknown; dueAt: number } | null = null;
  private running: Promise<void> | null = null;
  private followUp: Promise<void> | null = null;
  private pokedWhileRunning = false;
  private failures = 0;
  private closed = false;
  private readonly pokes: PokeChannel | null;

  constructor(private readonly work: SyncWork, initial: SyncStatus, options: SyncLoopOptions = {}) {
    this.status = initial;
    this.timers = options.timers ?? systemTimers;
    this.pullIntervalMs = options.pullIntervalMs ?? 5_000;
    this.retryBaseMs = options.retryBaseMs ?? Math.min(1_000, this.pullIntervalMs);
    this.retryCeilingMs = Math.max(options.retryCeilingMs ?? 60_000, this.retryBaseMs);
    this.debounceMs = options.debounceMs ?? 50;
    this.pokes = options.pokes ?? null;
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts pulling now and then on the interval. */
  start(): void {
    this.schedule(0);
  }

  /** Runs a cycle now (after the one in flight, if any) and returns the status it ends with. */
  async syncNow(): Promise<SyncStatus> {
    if (this.closed) return this.status;
    if (!this.running) {
      await this.startCycle();
      return this.status;
    }
    // Whatever is in flight may have started before the change the caller wants to see.
    this.followUp ??= this.running.then(() => {
      this.followUp = null;
      return this.closed ? undefined : this.startCycle();
    });
    await this.followUp;
    return this.status;
  }

  /** Something changed on the server (a WebSocket poke, a local edit): pull soon, coalescing bursts. */
  poke(): void {
    if (this.closed) return;
    if (this.running) {
      this.pokedWhileRunning = true;
      return;
    }
    this.schedule(this.debounceMs, true);
  }

  /** A local change altered the outbox or conflict counts. */
  updateLocal(counts: LocalCounts): void {
    if (!this.closed) this.update(counts);
  }

  /** Reports a problem found outside a cycle (a cache moved aside) until the next cycle clears it. */
  reportError(error: DeskError): void {
    this.update({ lastError: error });
  }

  /** Stops all timers; waits for a cycle in flight to notice and stop writing. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    this.listeners.clear();
    this.pokes?.close();
    await this.running?.catch(() => undefined);
  }

  /** The delay before retry number `failures` (1-based), before jitter. */
  retryDelay(failures: number): number {
    return Math.min(this.retryCeilingMs, this.retryBaseMs * 2 ** Math.min(failures - 1, 30));
  }

  private startCycle(): Promise<void> {
    this.clearTimer();
    this.running = this.runCycle().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runCycle(): Promise<void> {
    this.pokedWhileRunning = false;
    try {
      const result = await this.work.run(
        (progress) => {
          if (!this.closed) this.update({ ...progressFields(progress), connection: progress.caughtUp ? this.status.connection : 'syncing' });
        },
        () => this.closed,
      );
      if (this.closed || !result) return;
      this.failures = 0;
      this.update({
        ...progressFields(result),
        progress: null,
        connection: 'online',
        lastSyncedAt: this.timers.now().toISOString(),
        offlineSince: null,
        lastError: null,
      });
      this.pokes?.ensureConnected();
      this.schedule(this.pokedWhileRunning ? this.debounceMs : this.pullIntervalMs);
    } catch (thrown) {
      if (this.closed) return;
      this.failures += 1;
      const error = toDeskError(thrown);
      if (error.code === 'SERVER_UNREACHABLE') {
        this.update({ connection: 'offline', progress: null, offlineSince: this.status.offlineSince ?? this.timers.now().toISOString(), lastError: error });
      } else {
        // The server answered, so the desk is connected; the error says what went wrong.
        this.update({ connection: 'online', offlineSince: null, lastError: error });
      }
      const delay = this.retryDelay(this.failures);
      this.schedule(Math.round(delay * (0.5 + 0.5 * this.timers.random())));
    }
  }

  /** Arms the timer; with `onlySooner`, keeps an earlier one already armed. */
  private schedule(ms: number, onlySooner = false): void {
    if (this.closed) return;
    const dueAt = this.timers.now().getTime() + ms;
    if (this.timer) {
      if (onlySooner && this.timer.dueAt <= dueAt) return;
      this.clearTimer();
    }
    const handle = this.timers.setTimeout(() => {
      this.timer = null;
      if (!this.closed && !this.running) void this.startCycle();
    }, ms);
    this.timer = { handle, dueAt };
  }

  private clearTimer(): void {
    if (!this.timer) return;
    this.timers.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private update(patch: Partial<SyncStatus>): void {
    const next = { ...this.status, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.status)) return;
    this.status = next;
    for (const listener of this.listeners) listener(next);
  }
}

function progressFields(progress: SyncProgress): Partial<SyncStatus> {
  const fields: Partial<SyncStatus> = { cursor: progress.cursor, headVersion: progress.headVersion, rowsInCache: progress.rowsInCache };
  if (progress.local) Object.assign(fields, progress.local);
  if (progress.backlog !== undefined) fields.progress = progress.backlog;
  return fields;
}
