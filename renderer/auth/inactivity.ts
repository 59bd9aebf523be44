// Locks the desk after the server's lockAfterMinutes without input. Input only records a time (a
// mouse move is cheap); one timer checks it. A ringing or live call counts as activity, so the
// desk never locks under a call, and the wait starts again when it ends.
export type InactivityTimers = {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type InputTarget = {
  addEventListener(type: string, listener: () => void, options?: AddEventListenerOptions): void;
  removeEventListener(type: string, listener: () => void, options?: EventListenerOptions): void;
};

export interface InactivityLockOptions {
  target: InputTarget;
  /** Read at every check, so a new policy applies at once. */
  lockAfterMs: () => number;
  /** A call rings or is live: not idle, whatever the input says. */
  busy: () => boolean;
  onIdle: () => void;
  timers?: InactivityTimers;
}

export const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

const browserTimers: InactivityTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class InactivityLock {
  private lastInput = 0;
  private timer: unknown = null;
  private running = false;
  private readonly timers: InactivityTimers;
  private readonly onInput = () => {
    this.lastInput = this.timers.now();
  };

  constructor(private readonly options: InactivityLockOptions) {
    this.timers = options.timers ?? browserTimers;
  }

  /** Starts counting from now; calling it again restarts the count (after an unlock, say). */
  start(): void {
    if (!this.running) {
      for (const type of INPUT_EVENTS) this.options.target.addEventListener(type, this.onInput, { capture: true, passive: true });
      this.running = true;
    }
    this.lastInput = this.timers.now();
    this.arm(this.options.lockAfterMs());
  }

  /** Something other than input that counts as the agent being there (a call just ended). */
  activity(): void {
    this.lastInput = this.timers.now();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const type of INPUT_EVENTS) this.options.target.removeEventListener(type, this.onInput, { capture: true });
    this.disarm();
  }

  private check(): void {
    this.timer = null;
    if (!this.running) return;
    const limit = this.options.lockAfterMs();
    if (this.options.busy()) this.lastInput = this.timers.now();
    const idleFor = this.timers.now() - this.lastInput;
    if (idleFor < limit) return this.arm(limit - idleFor);
    this.stop();
    this.options.onIdle();
  }

  private arm(ms: number): void {
    this.disarm();
    this.timer = this.timers.setTimeout(() => this.check(), Math.max(0, ms));
  }

  private disarm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
