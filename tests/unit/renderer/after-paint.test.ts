// The screen pop's milestone waits for the paint: an animation frame callback runs before its
// frame is painted, so the callback must come in a task queued from that frame, not in the frame.
import { describe, expect, it } from 'vitest';
import { afterNextPaint, type PaintClock } from '../../../renderer/app/after-paint.js';

/** A hand-driven browser: frames and tasks run when the test says so, and log what ran. */
function manualClock() {
  const log: string[] = [];
  const frames = new Map<number, () => void>();
  const tasks: Array<{ run: () => void; cancelled: boolean }> = [];
  let nextFrame = 1;
  const clock: PaintClock = {
    requestAnimationFrame(callback) {
      frames.set(nextFrame, callback);
      return nextFrame++;
    },
    cancelAnimationFrame(handle) {
      frames.delete(handle);
    },
    queueTask(callback) {
      const task = { run: callback, cancelled: false };
      tasks.push(task);
      return () => {
        task.cancelled = true;
      };
    },
  };
  return {
    clock,
    log,
    /** The rendering steps: animation frame callbacks, then the paint. */
    frame() {
      const due = [...frames.values()];
      frames.clear();
      for (const callback of due) callback();
      log.push('paint');
    },
    runTasks() {
      for (const task of tasks.splice(0)) if (!task.cancelled) task.run();
    },
  };
}

describe('afterNextPaint', () => {
  it('calls back in the task after the next frame is painted, not during the frame', () => {
    const browser = manualClock();
    afterNextPaint(() => browser.log.push('painted'), browser.clock);
    browser.runTasks();
    expect(browser.log).toEqual([]);
    browser.frame();
    expect(browser.log).toEqual(['paint']);
    browser.runTasks();
    expect(browser.log).toEqual(['paint', 'painted']);
    browser.frame();
    browser.runTasks();
    expect(browser.log).toEqual(['paint', 'painted', 'paint']);
  });

  it('never calls back once cancelled, before the frame or between the frame and the task', () => {
    const early = manualClock();
    afterNextPaint(() => early.log.push('painted'), early.clock)();
    early.frame();
    early.runTasks();
    expect(early.log).toEqual(['paint']);

    const late = manualClock();
    const cancel = afterNextPaint(() => late.log.push('painted'), late.clock);
    late.frame();
    cancel();
    late.runTasks();
    expect(late.log).toEqual(['paint']);
  });
});
