// Pure view logic for the team lead's wallboard: queue cards, the agent table, metric cards with
// their method, and which cards a big screen shows. Everything is computed from the board the
// feed keeps and the server's clock, so two screens on the floor read the same numbers.
import type { AgentState } from '../../shared/domain/agent.js';
import {
  WALLBOARD_CARDS,
  type WallboardAlert, type WallboardBoard, type WallboardCall, type WallboardCard, type WallboardPreferences,
} from '../../shared/live-protocol.js';
import { isWaiting } from '../../shared/queue/alerts.js';
import {
  computeQueueMetrics, DEFAULT_METRICS_CONFIG, factsReceivedBetween, intervalStart, METRICS_METHOD,
  type MetricsConfig, type QueueMetrics,
} from '../../shared/queue/metrics.js';
import { AGENT_STATE_LABELS, formatClock, formatDuration } from '../app/format.js';
import type { WallboardFeedState } from './wallboard-feed.js';

export const QUEUE_LABELS: Record<string, string> = { general: 'General', triage: '911 transfers (triage)' };
const KNOWN_QUEUES = ['general', 'triage'];

export const CARD_TITLES: Record<WallboardCard, string> = {
  'queue:general': 'General queue',
  'queue:triage': '911 transfers queue',
  agents: 'Agents',
  'metric:service_level': 'Service level',
  'metric:speed_of_answer': 'Average speed of answer',
  'metric:abandonment': 'Abandonment rate',
  'metric:handle_time': 'Average handle time',
  'metric:transfers_911': '911 transfers',
  alerts: 'Alerts',
};

export interface WaitingCallView {
  callId: string;
  wait: string;
  is911Transfer: boolean;
}

export interface QueueCardView {
  card: WallboardCard | null;
  queue: string;
  label: string;
  waiting: number;
  oldestWait: string;
  /** Longest waiting first. */
  calls: WaitingCallView[];
  handledToday: number;
  abandonedToday: number;
  alert: boolean;
}

export interface AgentRowView {
  id: string;
  name: string;
  state: AgentState;
  stateLabel: string;
  timeInState: string;
  reason: string | null;
  currentCall: { callId: string; queue: string } | null;
  skills: string;
  alert: boolean;
}

export type MetricTone = 'good' | 'bad' | 'none';

export interface MetricCardView {
  card: WallboardCard;
  title: string;
  interval: string;
  day: string;
  /** Extra figures under the main one ("3 returned to 911"). */
  detail: string;
  tone: MetricTone;
  help: string;
}

export interface WallboardViewModel {
  live: boolean;
  statusText: string;
  queues: QueueCardView[];
  agents: AgentRowView[];
  stateCounts: Array<{ state: AgentState; label: string; count: number }>;
  metrics: MetricCardView[];
  alerts: WallboardAlert[];
  method: typeof METRICS_METHOD;
}

const percent = (value: number | null): string => (value === null ? '—' : `${Math.round(value * 100)}%`);
const seconds = (value: number | null): string => (value === null ? '—' : formatDuration(value * 1000));

function helpFor(term: string): string {
  return METRICS_METHOD.find((entry) => entry.term === term)?.text ?? '';
}

function queueCard(queue: string, calls: WallboardCall[], dayMetrics: QueueMetrics, alerts: WallboardAlert[], nowMs: number): QueueCardView {
  const waiting = calls
    .filter((call) => call.queue === queue && isWaiting(call))
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  const oldest = waiting[0];
  const card = `queue:${queue}`;
  return {
    card: (WALLBOARD_CARDS as readonly string[]).includes(card) ? (card as WallboardCard) : null,
    queue,
    label: QUEUE_LABELS[queue] ?? queue,
    waiting: waiting.length,
    oldestWait: oldest ? formatDuration(nowMs - Date.parse(oldest.receivedAt)) : '—',
    calls: waiting.map((call) => ({ callId: call.callId, wait: formatDuration(nowMs - Date.parse(call.receivedAt)), is911Transfer: call.is911Transfer })),
    handledToday: dayMetrics.handled,
    abandonedToday: dayMetrics.abandoned + dayMetrics.shortAbandoned,
    alert: alerts.some((alert) => alert.kind === 'oldest_wait' && alert.subject === queue),
  };
}

function metricCards(interval: QueueMetrics, day: QueueMetrics, config: MetricsConfig): MetricCardView[] {
  const slTone: MetricTone = interval.meetsTarget === null ? 'none' : interval.meetsTarget ? 'good' : 'bad';
  return [
    {
      card: 'metric:service_level', title: CARD_TITLES['metric:service_level'],
      interval: percent(interval.serviceLevel), day: percent(day.serviceLevel),
      detail: `Target ${percent(config.serviceLevelTarget)} in ${config.serviceLevelSeconds} s`, tone: slTone, help: helpFor('Service level'),
    },
    {
      card: 'metric:speed_of_answer', title: CARD_TITLES['metric:speed_of_answer'],
      interval: seconds(interval.averageSpeedOfAnswerSeconds), day: seconds(day.averageSpeedOfAnswerSeconds),
      detail: `${day.handled} answered today`, tone: 'none', help: helpFor('Average speed of answer'),
    },
    {
      card: 'metric:abandonment', title: CARD_TITLES['metric:abandonment'],
      interval: percent(interval.abandonmentRate), day: percent(day.abandonmentRate),
      detail: `${day.abandoned} abandoned, ${day.shortAbandoned} under ${config.shortAbandonSeconds} s today`, tone: 'none', help: helpFor('Abandonment rate'),
    },
    {
      card: 'metric:handle_time', title: CARD_TITLES['metric:handle_time'],
      interval: seconds(interval.averageHandleSeconds), day: seconds(day.averageHandleSeconds),
      detail: `over ${day.handleTimeCalls} finished calls today`, tone: 'none', help: helpFor('Average handle time'),
    },
    {
      card: 'metric:transfers_911', title: CARD_TITLES['metric:transfers_911'],
      interval: percent(interval.transfer911Share), day: percent(day.transfer911Share),
      detail: `${day.transfers911} from 911, ${day.returnedTo911} returned to 911 today`, tone: 'none', help: helpFor('911 transfers'),
    },
  ];
}

const STATE_ORDER: AgentState[] = ['on_call', 'wrap_up', 'available', 'away', 'offline'];

function agentRows(board: WallboardBoard, alerts: WallboardAlert[], nowMs: number): AgentRowView[] {
  const liveCalls = board.calls.filter((call) => call.agentId !== null && call.phase !== 'ended' && call.phase !== 'queued');
  return [...board.agents]
    .sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || a.displayName.localeCompare(b.displayName))
    .map((agent) => {
      const current = liveCalls.find((call) => call.agentId === agent.id);
      return {
        id: agent.id,
        name: agent.displayName,
        state: agent.state,
        stateLabel: AGENT_STATE_LABELS[agent.state],
        timeInState: formatDuration(nowMs - Date.parse(agent.stateSince)),
        reason: agent.stateReason,
        currentCall: current ? { callId: current.callId, queue: QUEUE_LABELS[current.queue] ?? current.queue } : null,
        skills: agent.skills.join(', '),
        alert: alerts.some((alert) => alert.kind === 'agent_state' && alert.subject === agent.id),
      };
    });
}

function statusText(feed: WallboardFeedState): string {
  if (feed.status === 'live') return 'Live';
  // Offline, the lead must see that the feed is down and for how long, not a blank or stale board.
  if (feed.downSince !== null) {
    return `Feed down since ${formatClock(feed.downSince)}${feed.board ? ' — figures may be out of date' : ''}; reconnecting…`;
  }
  if (feed.board === null) return 'Connecting…';
  return feed.status === 'resyncing' ? 'Catching up…' : 'Reconnecting — figures may be out of date';
}

/** Everything the wallboard shows, at `localNowMs` on this screen's clock. */
export function buildWallboard(feed: WallboardFeedState, localNowMs: number): WallboardViewModel {
  const nowMs = localNowMs + feed.clockOffsetMs;
  const board = feed.board ?? { dayStart: new Date(nowMs).toISOString(), calls: [], agents: [] };
  const config = feed.metrics ?? DEFAULT_METRICS_CONFIG;
  const queues = [...new Set([...KNOWN_QUEUES, ...board.calls.map((call) => call.queue)])];
  const dayCalls = factsReceivedBetween(board.calls, new Date(board.dayStart), new Date(nowMs + 1));
  const intervalCalls = factsReceivedBetween(board.calls, intervalStart(new Date(nowMs)), new Date(nowMs + 1));
  return {
    live: feed.status === 'live',
    statusText: statusText(feed),
    queues: queues.map((queue) =>
      queueCard(queue, board.calls, computeQueueMetrics(dayCalls.filter((call) => call.queue === queue), config), feed.alerts, nowMs)),
    agents: agentRows(board, feed.alerts, nowMs),
    stateCounts: STATE_ORDER.map((state) => ({
      state, label: AGENT_STATE_LABELS[state], count: board.agents.filter((agent) => agent.state === state).length,
    })),
    metrics: metricCards(computeQueueMetrics(intervalCalls, config), computeQueueMetrics(dayCalls, config), config),
    alerts: feed.alerts,
    method: METRICS_METHOD,
  };
}

/** The cards on screen: all of them normally, the chosen ones in their order on a big screen. */
export function visibleCards(preferences: WallboardPreferences): WallboardCard[] {
  return preferences.bigScreen ? preferences.bigScreenCards : [...WALLBOARD_CARDS];
}

/** Adds a card to the big screen (at the end) or takes it off. */
export function toggleBigScreenCard(preferences: WallboardPreferences, card: WallboardCard): WallboardPreferences {
  const chosen = preferences.bigScreenCards.includes(card)
    ? preferences.bigScreenCards.filter((candidate) => candidate !== card)
    : [...preferences.bigScreenCards, card];
  return { ...preferences, bigScreenCards: chosen };
}
