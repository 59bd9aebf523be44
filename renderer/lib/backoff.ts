// Exponential reconnect delays with a ceiling and a reset on recovery, shared by the desk host
// socket and the simulated softphone so both back off the same way.

export type BackoffOptions = {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
};

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 10_000;
    this.factor = options.factor ?? 2;
  }

  /** The delay before the next attempt; each call lengthens the following one up to the ceiling. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
