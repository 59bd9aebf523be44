// The wallboard's view model and feed client, without a DOM: what each card says for a board,
// which cards a big screen shows, and how the client handles snapshots, holes and reconnects.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/domain/agent.js';
import {
  AlertThresholdsSchema, WallboardPreferencesSchema,
  type LiveServerMessage, type WallboardAlert, type WallboardBoard, type WallboardCall,
} from '../../../shared/live-protocol.js';
import { DEFAULT_METRICS_CONFIG, METRICS_METHOD } from '../../../shared/queue/metrics.js';
import { WallboardConnection, type WallboardSource } from '../../../renderer/queue/wallboard-connection.js';
import { INITIAL_FEED_STATE, receiveLiveMessage, type WallboardFeedState } from '../../../renderer/queue/wallboard-feed.js';
import { buildWallboard, toggleBigScreenCard, visibleCards } from '../../../renderer/queue/wallboard-view.js';

// 14:10 local time, so the calls below fall in the 14:00 interval wherever the test runs.
const NOW = new Date(2026, 11, 1, 14, 10, 0).getTime();
const at = (secondsBefore: number): string => new Date(NOW - secondsBefore * 1000).toISOString();
const DAY_START = new Date(2026, 11, 1).toISOString();

function call(id: string, secondsAgo: number, over: Partial<WallboardCall> = {}): WallboardCall {
  return {
    callId: id, queue: 'general', is911Transfer: false, phase: 'queued', agentId: null, onHold: false,
    receivedAt: at(secondsAgo), answeredAt: null, abandonedAt: null, endedAt: null,
    talkSeconds: null, holdSeconds: null, wrapUpSeconds: null, returnedTo911: false, ...over,
  };
}

function agent(id: string, state: Agent['state'], minutesAgo: number, over: Partial<Agent> = {}): Agent {
  return { id, displayName: id, role: 'call_taker', skills: ['general', 'triage'], state, stateSince: at(minutesAgo * 60), stateReason: null, ...over };
}

const board: WallboardBoard = {
  dayStart: DAY_START,
  calls: [
    call('waiting-long', 125),
    call('waiting-911', 40, { queue: 'triage', is911Transfer: true }),
    call('talking', 300, { phase: 'answered', agentId: 'sam', answeredAt: at(290) }),
    // Answered in 10 s, 200 s talk + 30 s wrap-up, handed back to 911.
    call('done', 500, { phase: 'ended', answeredAt: at(490), endedAt: at(290), talkSeconds: 200, holdSeconds: 0, wrapUpSeconds: 30, returnedTo911: true }),
    call('gone', 400, { phase: 'ended', abandonedAt: at(340), endedAt: at(340) }),
  ],
  agents: [agent('sam', 'on_call', 5), agent('dana', 'away', 20, { stateReason: 'lunch' }), agent('lee', 'available', 1)],
};

const snapshot = (seq: number, over: Partial<WallboardBoard> = {}): LiveServerMessage => ({
  type: 'snapshot', seq, at: new Date(NOW).toISOString(), board: { ...board, ...over },
  metrics: DEFAULT_METRICS_CONFIG, thresholds: AlertThresholdsSchema.parse({}),
});

const live = (): WallboardFeedState => receiveLiveMessage(INITIAL_FEED_STATE, snapshot(7), NOW).state;

describe('buildWallboard', () => {
  it('shows each queue with its waiting calls, oldest first, and today\'s counts', () => {
    const model = buildWallboard(live(), NOW);
    const general = model.queues.find((queue) => queue.queue === 'general');
    expect(general).toMatchObject({ card: 'queue:general', waiting: 1, oldestWait: '2:05', handledToday: 2, abandonedToday: 1 });
    expect(model.queues.find((queue) => queue.queue === 'triage')).toMatchObject({
      waiting: 1, oldestWait: '0:40', calls: [{ callId: 'waiting-911', wait: '0:40', is911Transfer: true }],
    });
  });

  it('lists agents busiest first with time in state, reason and current call, and counts them by state', () => {
    const model = buildWallboard(live(), NOW);
    expect(model.agents.map((row) => [row.id, row.stateLabel, row.timeInState, row.reason, row.currentCall?.callId ?? null])).toEqual([
      ['sam', 'On a call', '5:00', null, 'talking'],
      ['lee', 'Available', '1:00', null, null],
      ['dana', 'Away', '20:00', 'lunch', null],
    ]);
    expect(model.stateCounts.filter((count) => count.count > 0).map((count) => [count.state, count.count])).toEqual([
      ['on_call', 1], ['available', 1], ['away', 1],
    ]);
  });

  it('computes the metric cards with the shared method and carries its words as help', () => {
    const model = buildWallboard(live(), NOW);
    const card = (id: string) => model.metrics.find((metric) => metric.card === id);
    // Answered: done (10 s) and talking (10 s), both within 20 s; abandoned: gone. 2 / 3.
    expect(card('metric:service_level')).toMatchObject({ interval: '67%', day: '67%', tone: 'bad' });
    expect(card('metric:speed_of_answer')?.day).toBe('0:10');
    expect(card('metric:abandonment')?.day).toBe('33%');
    expect(card('metric:handle_time')?.day).toBe('3:50');
    expect(card('metric:transfers_911')).toMatchObject({ day: '20%', detail: '1 from 911, 1 returned to 911 today' });
    expect(card('metric:service_level')?.help).toBe(METRICS_METHOD.find((entry) => entry.term === 'Service level')?.text);
  });

  it('reads waits on the server\'s clock, and says when the figures are not live', () => {
    // This screen's clock is a minute slow; the server's snapshot says what time it is.
    const slow = receiveLiveMessage(INITIAL_FEED_STATE, snapshot(1), NOW - 60_000).state;
    expect(buildWallboard(slow, NOW - 60_000).queues[0]?.oldestWait).toBe('2:05');
    expect(buildWallboard({ ...slow, status: 'connecting' }, NOW).statusText).toMatch(/out of date/);
    expect(buildWallboard(INITIAL_FEED_STATE, NOW)).toMatchObject({ live: false, statusText: 'Connecting…' });
  });

  it('marks the queue and agent an alert is about', () => {
    const alerts: WallboardAlert[] = [
      { id: 'oldest_wait:general', kind: 'oldest_wait', subject: 'general', message: 'm', since: at(0) },
      { id: 'agent_state:dana:away', kind: 'agent_state', subject: 'dana', message: 'm', since: at(0) },
    ];
    const model = buildWallboard({ ...live(), alerts }, NOW);
    expect(model.queues.map((queue) => [queue.queue, queue.alert])).toEqual([['general', true], ['triage', false]]);
    expect(model.agents.filter((row) => row.alert).map((row) => row.id)).toEqual(['dana']);
  });
});

describe('cards', () => {
  it('shows every card normally and the chosen ones in order on a big screen', () => {
    const preferences = WallboardPreferencesSchema.parse({ bigScreenCards: ['metric:service_level', 'queue:triage'] });
    expect(visibleCards(preferences)).toContain('agents');
    const big = { ...preferences, bigScreen: true };
    expect(visibleCards(big)).toEqual(['metric:service_level', 'queue:triage']);
    expect(visibleCards(toggleBigScreenCard(big, 'alerts'))).toEqual(['metric:service_level', 'queue:triage', 'alerts']);
    expect(visibleCards(toggleBigScreenCard(big, 'metric:service_level'))).toEqual(['queue:triage']);
  });
});

describe('feed client', () => {
  const delta = (seq: number, prevSeq: number, change: WallboardCall): LiveServerMessage => ({
    type: 'delta', seq, prevSeq, at: new Date(NOW).toISOString(), change: { kind: 'call', call: change },
  });

  it('applies a delta that follows on, ignores an old one, and asks for a snapshot at a hole', () => {
    const next = receiveLiveMessage(live(), delta(9, 7, call('new', 1)), NOW);
    expect(next.reply).toBeNull();
    expect(next.state.seq).toBe(9);
    expect(next.state.board?.calls.some((c) => c.callId === 'new')).toBe(true);
    expect(receiveLiveMessage(next.state, delta(9, 7, call('new', 1)), NOW).state).toBe(next.state);
    const hole = receiveLiveMessage(next.state, delta(12, 11, call('later', 1)), NOW);
    expect(hole.reply).toEqual({ type: 'resync' });
    expect(hole.state.status).toBe('resyncing');
    expect(hole.state.board).toBe(next.state.board);
    // Until the snapshot comes, deltas are not applied and not asked about again.
    expect(receiveLiveMessage(hole.state, delta(13, 12, call('more', 1)), NOW)).toMatchObject({ reply: null, state: hole.state });
    // A delta before any snapshot means the snapshot was lost.
    expect(receiveLiveMessage(INITIAL_FEED_STATE, delta(3, 2, call('x', 1)), NOW).reply).toEqual({ type: 'resync' });
  });

  it('reports only newly raised alerts', () => {
    const alert = (id: string): WallboardAlert => ({ id, kind: 'oldest_wait', subject: 'general', message: id, since: at(0) });
    const first = receiveLiveMessage(live(), { type: 'alerts', at: at(0), alerts: [alert('a')] }, NOW);
    const second = receiveLiveMessage(first.state, { type: 'alerts', at: at(0), alerts: [alert('a'), alert('b')] }, NOW);
    expect(first.raised.map((a) => a.id)).toEqual(['a']);
    expect(second.raised.map((a) => a.id)).toEqual(['b']);
  });

  it('reconnects with backoff after the link drops, keeps the last board meanwhile, and notifies alerts', () => {
    const links: Array<{ message(text: string): void; closed(): void; sent: string[] }> = [];
    const source: WallboardSource = {
      open(handlers) {
        const link = { ...handlers, sent: [] as string[] };
        links.push(link);
        return { send: (text) => link.sent.push(text), close: () => handlers.closed() };
      },
    };
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const states: WallboardFeedState[] = [];
    const notified: string[] = [];
    const connection = new WallboardConnection(source, {
      onChange: (state) => states.push(state),
      notify: (alert) => notified.push(alert.id),
      now: () => NOW,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => undefined,
    });
    connection.start();
    links[0]?.message(JSON.stringify(snapshot(4)));
    links[0]?.message(JSON.stringify(delta(6, 5, call('x', 1))));
    expect(links[0]?.sent).toEqual([JSON.stringify({ type: 'resync' })]);
    links[0]?.message(JSON.stringify({ type: 'alerts', at: at(0), alerts: [{ id: 'oldest_wait:general', kind: 'oldest_wait', subject: 'general', message: 'm', since: at(0) }] }));
    expect(notified).toEqual(['oldest_wait:general']);

    links[0]?.closed();
    expect(connection.current.status).toBe('connecting');
    expect(connection.current.board).not.toBeNull();
    links[1]?.message('not json');
    expect(links).toHaveLength(1);
    timers[0]?.fn();
    links[1]?.closed();
    timers[1]?.fn();
    expect(timers.map((timer) => timer.ms)).toEqual([500, 1000]);
    links[2]?.message(JSON.stringify(snapshot(8)));
    expect(connection.current).toMatchObject({ status: 'live', seq: 8 });
    connection.stop();
    expect(timers).toHaveLength(2);
  });
});
