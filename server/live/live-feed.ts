// The wallboard's view of the live bus: every event with its place in one global sequence, and
// a word when events may have been missed. PostgreSQL gives the sequence across instances
// (pg-live-bus.ts); with PGlite there is one instance, and the order of delivery is the order.
import type { LiveBus, LiveEvent } from './live-bus.js';

export interface LiveFeedListener {
  /** Events arrive in increasing `seq`; numbers may skip (a publish that rolled back) but never go back. */
  event(event: LiveEvent, seq: number): void;
  /** Events may have been lost (the listening connection dropped): rebuild from the database. */
  resync(): void;
}

export interface LiveFeed {
  subscribeFeed(listener: LiveFeedListener): () => void;
  /**
   * The sequence of the newest event published so far. Read it before reading the database:
   * whatever the database then shows includes the effect of every event up to it.
   */
  headSeq(): Promise<number>;
}

/** Numbers the in-process bus's events as they are delivered; one instance, one order. */
export class InProcessLiveFeed implements LiveFeed {
  private seq = 0;
  private readonly listeners = new Set<LiveFeedListener>();
  private readonly unsubscribe: () => void;

  constructor(bus: LiveBus) {
    this.unsubscribe = bus.subscribe((event) => {
      this.seq++;
      for (const listener of [...this.listeners]) listener.event(event, this.seq);
    });
  }

  subscribeFeed(listener: LiveFeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async headSeq(): Promise<number> {
    return this.seq;
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
