// One instance's copy of the wallboard: built from the database, then moved along by the live
// feed, event by event in sequence order. It tells its listeners about each delta, and about a
// rebuild (start-up, a lost feed, a new day), after which every team lead needs a new snapshot.
import type { WallboardBoard, WallboardChange } from '../../shared/live-protocol.js';
import { applyBoardChange, startBoardDay, wallboardCallFromControl } from '../../shared/queue/board.js';
import { dayStart } from '../../shared/queue/metrics.js';
import type { LiveEvent } from './live-bus.js';
import type { LiveFeed } from './live-feed.js';

export interface LiveDelta {
  seq: number;
  prevSeq: number;
  change: WallboardChange;
}

export interface LiveStateListener {
  delta(delta: LiveDelta): void;
  /** The board was rebuilt; deltas continue from its new sequence. */
  rebuilt(): void;
}

export interface LiveStateOptions {
  feed: LiveFeed;
  /** Reads the board from the database for the day that began at `dayStart`. */
  loadBoard(dayStart: Date): Promise<WallboardBoard>;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

export class LiveState {
  private board: WallboardBoard = { dayStart: new Date(0).toISOString(), calls: [], agents: [] };
  private seq = 0;
  private loading: Promise<void> | null = null;
  private reloadAgain = false;
  /** Events that arrived while the board was being read; applied after it if newer. */
  private buffered: Array<{ event: LiveEvent; seq: number }> = [];
  private readonly listeners = new Set<LiveStateListener>();
  private readonly unsubscribe: () => void;
  private readonly now: () => Date;

  constructor(private readonly options: LiveStateOptions) {
    this.now = options.now ?? (() => new Date());
    this.unsubscribe = options.feed.subscribeFeed({
      event: (event, seq) => this.receive(event, seq),
      resync: () => void this.reload().catch((error: unknown) => options.onError?.(error)),
    });
  }

  /** The board and the last sequence it includes. */
  snapshot(): { seq: number; board: WallboardBoard } {
    return { seq: this.seq, board: this.board };
  }

  subscribe(listener: LiveStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the board from the database; concurrent calls share one read, and a call during a read causes one more. */
  reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = this.readBoard().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** Called on a timer: at midnight yesterday's finished calls leave the board. */
  checkDay(): void {
    const today = dayStart(this.now()).toISOString();
    if (this.loading || today === this.board.dayStart) return;
    this.board = startBoardDay(this.board, today);
    for (const listener of [...this.listeners]) listener.rebuilt();
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private async readBoard(): Promise<void> {
    let board: WallboardBoard;
    let seq: number;
    do {
      this.reloadAgain = false;
      this.buffered = [];
      // The sequence first: the board read after it includes at least every event up to it.
      const head = await this.options.feed.headSeq();
      board = await this.options.loadBoard(dayStart(this.now()));
      seq = head;
      for (const pending of this.buffered) {
        if (pending.seq <= seq) continue;
        board = applyBoardChange(board, this.changeFor(board, pending.event));
        seq = pending.seq;
      }
    } while (this.reloadAgain);
    this.buffered = [];
    this.board = board;
    this.seq = seq;
    for (const listener of [...this.listeners]) listener.rebuilt();
  }

  private receive(event: LiveEvent, seq: number): void {
    if (this.loading) {
      this.buffered.push({ event, seq });
      return;
    }
    if (seq <= this.seq) return;
    const change = this.changeFor(this.board, event);
    const prevSeq = this.seq;
    this.board = applyBoardChange(this.board, change);
    this.seq = seq;
    for (const listener of [...this.listeners]) listener.delta({ seq, prevSeq, change });
  }

  private changeFor(board: WallboardBoard, event: LiveEvent): WallboardChange {
    if (event.kind === 'agent') return { kind: 'agent', agent: event.agent };
    // A call whose timeline lacks its arrival keeps the arrival time the board already had.
    const known = board.calls.find((call) => call.callId === event.call.callId);
    return { kind: 'call', call: wallboardCallFromControl(event.call, known?.receivedAt ?? this.now().toISOString()) };
  }
}
