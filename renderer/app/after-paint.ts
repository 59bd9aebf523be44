// "The pop is on screen" must mean painted, not committed. An animation frame callback runs
// before its frame is painted, so the callback goes in a task queued from that frame: the
// browser runs that task only once the frame (with the committed DOM) has been painted.
// Work that must not hold up such a frame waits for the idle time after it (`whenIdle`).

export type PaintClock = {
  requestAnimationFrame(callback: () => void): number;
  cancelAnimationFrame(handle: number): void;
  /** Queues a task (not a microtask): it runs after the current frame's rendering steps. */
  queueTask(callback: () => void): () => void;
};

/** A MessageChannel message is a task with no timer clamping, the quickest one after a frame. */
function queueMessageTask(callback: () => void): () => void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    callback();
  };
  channel.port2.postMessage(null);
  return () => channel.port1.close();
}

const browserClock: PaintClock = {
  requestAnimationFrame: (callback) => requestAnimationFrame(callback),
  cancelAnimationFrame: (handle) => cancelAnimationFrame(handle),
  queueTask: queueMessageTask,
};

/** Calls back once the next frame has been painted; the returned function cancels. */
export function afterNextPaint(callback: () => void, clock: PaintClock = browserClock): () => void {
  let cancelTask: (() => void) | null = null;
  let cancelled = false;
  const frame = clock.requestAnimationFrame(() => {
    if (cancelled) return;
    cancelTask = clock.queueTask(() => {
      if (!cancelled) callback();
    });
  });
  return () => {
    cancelled = true;
    clock.cancelAnimationFrame(frame);
    cancelTask?.();
  };
}

/** Runs work that can wait a frame: once the page is idle after painting, or after `timeoutMs` at the latest. */
export type IdleScheduler = (callback: () => void) => () => void;

/**
 * The browser's idle callback, with a deadline: an idle period starts only once a frame has been
 * painted, so what runs here never delays the frame in progress; the deadline keeps the work going
 * in a hidden window, which paints no frames. Plain timers where there is no idle callback (Node).
 */
export function whenIdle(timeoutMs: number): IdleScheduler {
  return (callback) => {
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(() => callback(), { timeout: timeoutMs });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(callback, 0);
    return () => clearTimeout(timer);
  };
}
