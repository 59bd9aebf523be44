// The client side of the wallboard feed, as a pure reducer: take a snapshot, apply deltas that
// follow on exactly, and on a hole ask for a new snapshot and ignore deltas until it comes.
import {
  LiveServerMessageSchema,
  type AlertThresholds, type LiveClientMessage, type LiveServerMessage, type WallboardAlert, type WallboardBoard,
} from '../../shared/live-protocol.js';
import { applyBoardChange } from '../../shared/queue/board.js';
import type { MetricsConfig } from '../../shared/queue/metrics.js';

export type WallboardFeedStatus = 'connecting' | 'live' | 'resyncing';

export interface WallboardFeedState {
  status: WallboardFeedStatus;
  /** The last sequence the board includes; null before the first snapshot. */
  seq: number | null;
  board: WallboardBoard | null;
  metrics: MetricsConfig | null;
  thresholds: AlertThresholds | null;
  alerts: WallboardAlert[];
  /** Server time of the last message minus local time, so waits read the same on every screen. */
  clockOffsetMs: number;
  /** When the link to the feed dropped (ISO, this screen's clock); null while live or first connecting. */
  downSince: string | null;
}

export interface FeedStep {
  state: WallboardFeedState;
  /** What to send back to the server, if anything. */
  reply: LiveClientMessage | null;
  /** Alerts that were not in force before this message (for desktop notifications). */
  raised: WallboardAlert[];
}

export const INITIAL_FEED_STATE: WallboardFeedState = {
  status: 'connecting', seq: null, board: null, metrics: null, thresholds: null, alerts: [], clockOffsetMs: 0, downSince: null,
};

/** Parses a socket message; null for anything that is not a wallboard message. */
export function parseLiveMessage(text: string): LiveServerMessage | null {
  try {
    const parsed = LiveServerMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function receiveLiveMessage(state: WallboardFeedState, message: LiveServerMessage, localNow: number = Date.now()): FeedStep {
  const clockOffsetMs = Date.parse(message.at) - localNow;
  switch (message.type) {
    case 'snapshot':
      return {
        state: {
          ...state, status: 'live', seq: message.seq, board: message.board,
          metrics: message.metrics, thresholds: message.thresholds, clockOffsetMs, downSince: null,
        },
        reply: null,
        raised: [],
      };
    case 'delta': {
      // A socket's first message is its snapshot, so a delta before it means the snapshot was lost.
      if (state.status === 'connecting') return { state: { ...state, status: 'resyncing' }, reply: { type: 'resync' }, raised: [] };
      // Waiting for the snapshot asked for: deltas have nothing to apply to until it comes.
      if (state.status !== 'live' || state.board === null || state.seq === null) return { state, reply: null, raised: [] };
      if (message.seq <= state.seq) return { state, reply: null, raised: [] };
      if (message.prevSeq !== state.seq) return { state: { ...state, status: 'resyncing' }, reply: { type: 'resync' }, raised: [] };
      return {
        state: { ...state, seq: message.seq, board: applyBoardChange(state.board, message.change), clockOffsetMs },
        reply: null,
        raised: [],
      };
    }
    case 'alerts': {
      const before = new Set(state.alerts.map((alert) => alert.id));
      return {
        state: { ...state, alerts: message.alerts, clockOffsetMs },
        reply: null,
        raised: message.alerts.filter((alert) => !before.has(alert.id)),
      };
    }
  }
}

/**
 * The socket closed: keep showing the last board (marked as not live) until the next snapshot,
 * and remember since when the feed has been down (the first drop, not each failed retry).
 */
export function feedDisconnected(state: WallboardFeedState, localNow: number = Date.now()): WallboardFeedState {
  return { ...state, status: 'connecting', downSince: state.downSince ?? new Date(localNow).toISOString() };
}
