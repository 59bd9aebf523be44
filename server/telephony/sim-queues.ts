// The simulated Twilio's <Enqueue> queues: callers in arrival order, and the wait URL fetched
// with the caller's position (QueuePosition, QueueSid, QueueTime, AvgQueueTime, CurrentQueueSize)
// when they enter and whenever they move up. The "music" plays once per position, never in a loop.
import type { SimCall, SimContinuation, SimQueue, SimQueueSeat } from './sim-state.js';
import { newSid, queueWaitParams } from './sim-webhooks.js';

/** The wait URL is fetched at most this many times per call. */
const MAX_WAIT_FETCHES = 20;

export const secondsSince = (start: number | null | undefined): number => (start ? Math.max(0, Math.round((Date.now() - start) / 1000)) : 0);

/** What queues need from the simulator that owns the calls. */
export interface QueueHost {
  isClosed(): boolean;
  track(promise: Promise<unknown>): void;
  /** Plays the wait URL's document once; `onLeave` runs on its <Leave>. */
  playMusic(call: SimCall, url: string, method: 'GET' | 'POST', params: Record<string, string>, signal: AbortSignal, onLeave: () => void): Promise<void>;
  /** <Leave> took the caller out of the queue: its TwiML goes on (Enqueue action, or the next verbs). */
  leftQueue(call: SimCall, seat: SimQueueSeat, queueSid: string, waitedSeconds: number): void;
}

export class SimQueues {
  private readonly queues = new Map<string, SimQueue>();

  constructor(private readonly host: QueueHost) {}

  enter(call: SimCall, name: string, waitUrl: string | null, next: SimContinuation): void {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { sid: newSid('QU'), name, members: [], servedCount: 0, servedWaitSeconds: 0 };
      this.queues.set(name, queue);
    }
    queue.members.push(call);
    call.state = 'queued';
    call.queue = { name, enteredAt: Date.now(), waitUrl, next, music: new AbortController(), announcedPosition: 0, fetches: 0 };
    this.announcePosition(queue, call);
  }

  /** Takes the call out of its queue; those behind it move up and hear their new position. */
  leave(call: SimCall): void {
    const seat = call.queue;
    if (!seat) return;
    seat.music.abort();
    call.queue = null;
    const queue = this.queues.get(seat.name);
    if (!queue) return;
    queue.members = queue.members.filter((member) => member !== call);
    queue.servedCount += 1;
    queue.servedWaitSeconds += secondsSince(seat.enteredAt);
    for (const member of queue.members) this.announcePosition(queue, member);
  }

  /** Fetches the wait URL (POST, Twilio's default) when the caller enters the queue or moves up. */
  private announcePosition(queue: SimQueue, call: SimCall): void {
    const seat = call.queue;
    const position = queue.members.indexOf(call) + 1;
    if (!seat?.waitUrl || position === seat.announcedPosition || seat.fetches >= MAX_WAIT_FETCHES || this.host.isClosed()) return;
    seat.announcedPosition = position;
    seat.fetches += 1;
    seat.music.abort();
    seat.music = new AbortController();
    const params = queueWaitParams(call.identity, {
      sid: queue.sid,
      position,
      size: queue.members.length,
      waitedSeconds: secondsSince(seat.enteredAt),
      averageWaitSeconds: queue.servedCount > 0 ? Math.round(queue.servedWaitSeconds / queue.servedCount) : 0,
    });
    this.host.track(this.host.playMusic(call, seat.waitUrl, 'POST', params, seat.music.signal, () => this.leaveByWaitUrl(call, seat)));
  }

  /** <Leave> in a wait URL's document. */
  private leaveByWaitUrl(call: SimCall, seat: SimQueueSeat): void {
    if (call.queue !== seat) return;
    const waited = secondsSince(seat.enteredAt);
    const queueSid = this.queues.get(seat.name)?.sid ?? '';
    this.leave(call);
    this.host.leftQueue(call, seat, queueSid, waited);
  }
}
