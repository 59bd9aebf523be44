// The one ringtone: starts when a call rings, can be silenced without declining, and stops on
// answer, decline, cancel and hang-up. The sound itself is a player (WebAudio in the page, a fake
// in tests); this module only decides when it plays.
import { whenIdle, type IdleScheduler } from '../app/after-paint.js';

/** Makes the sound; `start` may be called again after `stop`. */
export interface TonePlayer {
  start(): void;
  stop(): void;
  /** Gets the sound ready while nothing rings, so the first ring costs the page nothing more. */
  prepare?(): void;
}

export type RingtoneState = 'quiet' | 'ringing' | 'silenced';

export class Ringtone {
  private current: RingtoneState = 'quiet';
  private callSid: string | null = null;

  constructor(
    private readonly player: TonePlayer,
    private readonly onChange: (state: RingtoneState) => void = () => undefined,
  ) {}

  get state(): RingtoneState {
    return this.current;
  }

  /** Readies the sound before any call, so ringing costs the first call's pop nothing. */
  prepare(): void {
    this.player.prepare?.();
  }

  /** A call rings. A call the agent already silenced stays silent. */
  ring(callSid: string): void {
    if (this.callSid === callSid && this.current !== 'quiet') return;
    this.callSid = callSid;
    this.player.start();
    this.set('ringing');
  }

  /** The agent wants quiet; the call keeps ringing on screen. */
  silence(): boolean {
    if (this.current !== 'ringing') return false;
    this.player.stop();
    this.set('silenced');
    return true;
  }

  /** The call stopped ringing, however (answered, declined, cancelled, hung up). */
  stop(): void {
    if (this.current === 'ringing') this.player.stop();
    this.callSid = null;
    this.set('quiet');
  }

  private set(next: RingtoneState): void {
    if (next === this.current) return;
    this.current = next;
    this.onChange(next);
  }
}

/** Making the oscillators costs the page a few milliseconds: the sound may start this late so the pop paints first. */
const SOUND_DEADLINE_MS = 50;

/** A two-tone ring (440 + 480 Hz, North American cadence: 2 s on, 4 s off) made with WebAudio. */
export function createWebAudioTonePlayer(
  createContext: () => AudioContext = () => new AudioContext(),
  schedule: IdleScheduler = whenIdle(SOUND_DEADLINE_MS),
): TonePlayer {
  let context: AudioContext | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let cancelPending: (() => void) | null = null;
  let nodes: OscillatorNode[] = [];

  const burst = (ctx: AudioContext) => {
    const gain = ctx.createGain();
    gain.gain.value = 0.08;
    gain.connect(ctx.destination);
    const end = ctx.currentTime + 2;
    nodes = [440, 480].map((frequency) => {
      const oscillator = ctx.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      oscillator.stop(end);
      return oscillator;
    });
  };

  return {
    // Chromium holds the main thread for a quarter of a second making the first AudioContext:
    // made at ring time, that delayed the banner and the screen pop of the first call.
    prepare() {
      try {
        context ??= createContext();
        // Quiet until a call rings (an idle running context keeps an audio thread busy).
        if (timer === null) void context.suspend().catch(() => undefined);
      } catch {
        context = null;
      }
    },
    start() {
      if (timer || cancelPending) return;
      cancelPending = schedule(() => {
        cancelPending = null;
        try {
          context ??= createContext();
          // A page that has not been clicked yet may not play sound; the banner still shows the call.
          void context.resume().catch(() => undefined);
          burst(context);
          const ctx = context;
          timer = setInterval(() => burst(ctx), 6_000);
        } catch {
          timer = null;
        }
      });
    },
    stop() {
      cancelPending?.();
      cancelPending = null;
      if (timer) clearInterval(timer);
      timer = null;
      for (const node of nodes) {
        try {
          node.stop();
        } catch {
          // Already stopped at the end of its burst.
        }
      }
      nodes = [];
    },
  };
}
