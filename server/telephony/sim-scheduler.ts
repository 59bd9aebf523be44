// The simulator's sense of time: timers and pauses that close() can stop, per-call chains that
// keep each call's webhooks in order, and the work in flight close() waits for.

/** Something with a chain of steps that must run one after the other (a call). */
export interface Chained {
  chain: Promise<unknown>;
}

export class SimScheduler {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly onStepFailed: (error: unknown) => void) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** A timer that close() clears; what it runs is tracked so close() waits for it. */
  later(ms: number, run: () => unknown): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) this.track(Promise.resolve().then(run));
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  clear(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Waits `ms`, or less when `signal` aborts (a <Pause> cut short by a redirect or hang-up). */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const timer = this.later(ms, resolve);
      signal.addEventListener('abort', () => {
        this.clear(timer);
        resolve();
      }, { once: true });
    });
  }

  /** Runs `op` after everything already queued on `owner`, so its webhooks arrive in order. */
  serially<T>(owner: Chained, op: () => Promise<T>): Promise<T> {
    const result = owner.chain.then(op);
    owner.chain = result.catch(this.onStepFailed);
    this.track(owner.chain);
    return result;
  }

  track(promise: Promise<unknown>): void {
    const settled = promise.catch(() => undefined);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  /** Clears every timer and waits for the work in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
  }
}
