// Keeps a wallboard feed running: opens the source, feeds every message through the reducer,
// answers a hole with a resync request, and reopens with backoff when the link drops. How the
// feed is reached (a socket to the server, a relay through the desk host) is the source's business.
import type { WallboardAlert } from '../../shared/live-protocol.js';
import { Backoff } from '../lib/backoff.js';
import { feedDisconnected, INITIAL_FEED_STATE, parseLiveMessage, receiveLiveMessage, type WallboardFeedState } from './wallboard-feed.js';

export interface WallboardLink {
  send(text: string): void;
  close(): void;
}

export interface WallboardSource {
  /** Opens the feed; `closed` is called once when the link ends, for whatever reason. */
  open(handlers: { message(text: string): void; closed(): void }): WallboardLink;
}

export interface WallboardConnectionOptions {
  onChange(state: WallboardFeedState): void;
  /** Each alert when it is first raised, e.g. for a desktop notification. */
  notify?: (alert: WallboardAlert) => void;
  backoff?: Backoff;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class WallboardConnection {
  private state: WallboardFeedState = INITIAL_FEED_STATE;
  private link: WallboardLink | null = null;
  private timer: unknown = null;
  private stopped = true;
  private readonly backoff: Backoff;

  constructor(
    private readonly source: WallboardSource,
    private readonly options: WallboardConnectionOptions,
  ) {
    this.backoff = options.backoff ?? new Backoff({ initialMs: 500, maxMs: 15_000 });
  }

  get current(): WallboardFeedState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) (this.options.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = null;
    const link = this.link;
    this.link = null;
    link?.close();
  }

  private open(): void {
    let link: WallboardLink | null = null;
    let ended = false;
    link = this.source.open({
      message: (text) => {
        if (this.stopped || ended) return;
        const message = parseLiveMessage(text);
        if (!message) return;
        const step = receiveLiveMessage(this.state, message, (this.options.now ?? Date.now)());
        if (message.type === 'snapshot') this.backoff.reset();
        this.setState(step.state);
        if (step.reply) link?.send(JSON.stringify(step.reply));
        for (const alert of step.raised) this.options.notify?.(alert);
      },
      closed: () => {
        if (ended) return;
        ended = true;
        if (this.link === link) this.link = null;
        if (this.stopped) return;
        this.setState(feedDisconnected(this.state, (this.options.now ?? Date.now)()));
        const setTimer = this.options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
        this.timer = setTimer(() => {
          this.timer = null;
          if (!this.stopped) this.open();
        }, this.backoff.next());
      },
    });
    if (!ended) this.link = link;
  }

  private setState(state: WallboardFeedState): void {
    this.state = state;
    this.options.onChange(state);
  }
}
