// Views of residents' records on this desk (screen pops, opened cases, case searches), for the
// server's audit log. They sync as `recordViews` mutations through the outbox, so they reach the
// server exactly once and in order, offline or not. A view is only noted in memory when it
// happens: the cache commits with synchronous=FULL (an fsync each), and a screen pop must not wait
// for one. The views of the moment are written in one transaction FLUSH_AFTER_MS later, before
// any push, and when the host closes. The price: a crash (not a clean close) loses at most the
// views of that last short window.
import { VIEWS_PER_MUTATION, type RecordView } from '../../../shared/mutations.js';
import type { Outbox } from '../outbox/outbox.js';
import type { SyncTimers } from '../sync/sync-loop.js';

type WithoutTime<V> = V extends unknown ? Omit<V, 'at'> : never;
/** A view as the code that showed it knows it; the log stamps the desk's time. */
export type ShownRecord = WithoutTime<RecordView>;

/** What the lookups and the case methods are given: they say what they showed, nothing more. */
export interface ViewRecorder {
  shown(view: ShownRecord): void;
}

export const FLUSH_AFTER_MS = 1_500;
/**
 * The same view again within this window is not recorded again: the renderer re-reads what it
 * shows whenever sync moves (a pushed view among it), and each re-read is not a new look.
 */
export const REPEAT_WINDOW_MS = 5 * 60_000;

export interface ViewLogOptions {
  outbox: Outbox;
  timers: Pick<SyncTimers, 'now' | 'setTimeout' | 'clearTimeout'>;
  log?: (message: string) => void;
}

export class ViewLog implements ViewRecorder {
  private buffered: RecordView[] = [];
  private timer: unknown = null;
  /** When each distinct view was last recorded (ms), for the repeat window. */
  private readonly lastRecorded = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: ViewLogOptions) {
    options.outbox.onBeforeBatch(() => this.flush());
  }

  shown(view: ShownRecord): void {
    if (this.closed) return;
    const at = this.options.timers.now();
    const key = JSON.stringify(view);
    const last = this.lastRecorded.get(key);
    if (last !== undefined && at.getTime() - last < REPEAT_WINDOW_MS) return;
    this.lastRecorded.set(key, at.getTime());
    this.buffered.push({ ...view, at: at.toISOString() } as RecordView);
    this.timer ??= this.options.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, FLUSH_AFTER_MS);
  }

  /** Writes the buffered views to the outbox in one transaction; returns how many. Never throws. */
  flush(): number {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    const views = this.buffered;
    this.buffered = [];
    this.forgetOldRepeats();
    if (views.length === 0) return 0;
    const { outbox } = this.options;
    try {
      outbox.context.db.transaction(() => {
        for (let start = 0; start < views.length; start += VIEWS_PER_MUTATION) {
          const chunk = views.slice(start, start + VIEWS_PER_MUTATION);
          outbox.record('recordViews', { views: chunk }, chunk[0]!.at);
        }
      })();
    } catch (error) {
      // Like a crash: these views are lost, the desk goes on.
      this.options.log?.(`${views.length} record view(s) could not be saved for the audit log: ${String(error)}`);
      return 0;
    }
    return views.length;
  }

  /** Writes what is buffered and records no more (the host is closing its cache). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private forgetOldRepeats(): void {
    const oldest = this.options.timers.now().getTime() - REPEAT_WINDOW_MS;
    for (const [key, at] of this.lastRecorded) if (at <= oldest) this.lastRecorded.delete(key);
  }
}
