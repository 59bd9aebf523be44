// The WebAudio ringtone: its sound starts in the idle time after the ringing frame is painted (so
// the screen pop is not held up by making oscillators), and a call that stops ringing first never
// makes a sound.
import { describe, expect, it } from 'vitest';
import { createWebAudioTonePlayer } from '../../../renderer/call/ringtone.js';

/** Just enough of an AudioContext to count the oscillators started and stopped. */
function fakeAudio() {
  const started: number[] = [];
  const stopped: number[] = [];
  let contexts = 0;
  const context = {
    currentTime: 0,
    destination: {},
    resume: () => Promise.resolve(),
    suspend: () => Promise.resolve(),
    createGain: () => ({ gain: { value: 0 }, connect: () => undefined }),
    createOscillator: () => {
      const oscillator = {
        frequency: { value: 0 },
        connect: () => undefined,
        start: () => started.push(oscillator.frequency.value),
        stop: (when?: number) => {
          if (when === undefined) stopped.push(oscillator.frequency.value);
        },
      };
      return oscillator;
    },
  };
  const create = () => {
    contexts += 1;
    return context as unknown as AudioContext;
  };
  return { create, started, stopped, contexts: () => contexts };
}

/** An idle scheduler the test runs by hand. */
function manualIdle() {
  const pending: Array<{ run: () => void; cancelled: boolean }> = [];
  return {
    schedule: (callback: () => void) => {
      const task = { run: callback, cancelled: false };
      pending.push(task);
      return () => {
        task.cancelled = true;
      };
    },
    runIdle() {
      for (const task of pending.splice(0)) if (!task.cancelled) task.run();
    },
    waiting: () => pending.filter((task) => !task.cancelled).length,
  };
}

/** The real player over a fake AudioContext and a hand-run idle scheduler. */
function playerWithFakes() {
  const audio = fakeAudio();
  const idle = manualIdle();
  return { audio, idle, player: createWebAudioTonePlayer(audio.create, idle.schedule) };
}

describe('WebAudio tone player', () => {
  it('makes the sound only once the page is idle, then rings the two tones', () => {
    const { audio, idle, player } = playerWithFakes();
    player.start();
    expect(audio.started).toEqual([]);
    expect(audio.contexts()).toBe(0);
    idle.runIdle();
    expect(audio.started).toEqual([440, 480]);
    player.stop();
    expect(audio.stopped).toEqual([440, 480]);
  });

  it('never sounds for a call that stopped ringing before the page was idle', () => {
    const { audio, idle, player } = playerWithFakes();
    player.start();
    player.stop();
    expect(idle.waiting()).toBe(0);
    idle.runIdle();
    expect(audio.started).toEqual([]);
  });

  it('starts once however often it is asked while a start is pending', () => {
    const { audio, idle, player } = playerWithFakes();
    player.start();
    player.start();
    expect(idle.waiting()).toBe(1);
    idle.runIdle();
    player.start();
    expect(idle.waiting()).toBe(0);
    expect(audio.started).toEqual([440, 480]);
    player.stop();
    player.start();
    idle.runIdle();
    expect(audio.started).toEqual([440, 480, 440, 480]);
    player.stop();
  });
});
