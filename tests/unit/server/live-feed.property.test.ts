// Snapshot + delta consistency, randomized: random call and agent events (some published while
// the server is re-reading the database, some with sequence numbers skipped), a team lead's
// messages lost or the socket cut at random points and reconnected. Afterwards the board the
// client rebuilt equals the server's, and the server's equals what the database says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallControlState, CallPhase, CallTimelineEvent } from '../../../shared/call-control.js';
import type { Agent } from '../../../shared/domain/agent.js';
import type { WallboardBoard } from '../../../shared/live-protocol.js';
import { callBelongsToDay, compareAgents, compareCalls, wallboardCallFromControl } from '../../../shared/queue/board.js';
import type { LiveEvent } from '../../../server/live/live-bus.js';
import type { LiveFeed, LiveFeedListener } from '../../../server/live/live-feed.js';
import { LiveState } from '../../../server/live/live-state.js';
import { WallboardHub, type WallboardPeer } from '../../../server/live/wallboard-hub.js';
import {
  feedDisconnected, INITIAL_FEED_STATE, parseLiveMessage, receiveLiveMessage, type WallboardFeedState,
} from '../../../renderer/queue/wallboard-feed.js';

// Half past the hour, so the calls of the last minute fall on today in every time zone.
const NOW = new Date('2026-12-01T15:30:00.000Z');
const at = (secondsBefore: number): string => new Date(NOW.getTime() - secondsBefore * 1000).toISOString();
const CALL_IDS = ['0193a000-0000-7000-8000-000000000001', '0193a000-0000-7000-8000-000000000002', '0193a000-0000-7000-8000-000000000003'];
const AGENT_IDS = ['agent-a', 'agent-b', 'agent-c'];

/** The database as publishers leave it: they commit, then publish. */
class Database {
  readonly calls = new Map<string, CallControlState>();
  readonly agents = new Map<string, Agent>();
  /** Runs once, just after the next read: events published while the board is on its way. */
  afterRead: (() => void) | null = null;

  apply(event: LiveEvent): void {
    if (event.kind === 'call') this.calls.set(event.call.callId, event.call);
    else this.agents.set(event.agent.id, event.agent);
  }

  async loadBoard(dayStart: Date): Promise<WallboardBoard> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const board: WallboardBoard = { dayStart: dayStart.toISOString(), calls: [], agents: [] };
    board.calls = [...this.calls.values()]
      .map((call) => wallboardCallFromControl(call, NOW.toISOString()))
      .filter((call) => callBelongsToDay(call, board.dayStart))
      .sort(compareCalls);
    board.agents = [...this.agents.values()].sort(compareAgents);
    const afterRead = this.afterRead;
    this.afterRead = null;
    afterRead?.();
    return board;
  }
}

/** A feed like PgLiveBus's: increasing sequence numbers with holes, and a resync on demand. */
class TestFeed implements LiveFeed {
  private seq = 0;
  private readonly listeners = new Set<LiveFeedListener>();
  subscribeFeed(listener: LiveFeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async headSeq(): Promise<number> {
    return this.seq;
  }
  publish(event: LiveEvent, skip: number): void {
    this.seq += 1 + skip;
    for (const listener of this.listeners) listener.event(event, this.seq);
  }
  lose(): void {
    for (const listener of this.listeners) listener.resync();
  }
}

/** A team lead's screen: a socket whose messages wait in a queue until delivered (or lost). */
class TeamLead {
  state: WallboardFeedState = INITIAL_FEED_STATE;
  private inbox: string[] = [];
  private peer: { messages: ((text: string) => void)[]; closes: (() => void)[] } | null = null;
  private dropNext = false;
  resyncsAsked = 0;

  connect(hub: WallboardHub): void {
    const peer = { messages: [] as ((text: string) => void)[], closes: [] as (() => void)[] };
    this.peer = peer;
    this.inbox = [];
    const socket: WallboardPeer = {
      send: (text) => {
        if (this.peer === peer) this.inbox.push(text);
      },
      close: () => undefined,
      onMessage: (handler) => peer.messages.push(handler),
      onClose: (handler) => peer.closes.push(handler),
    };
    hub.attach(socket);
  }

  get connected(): boolean {
    return this.peer !== null;
  }

  disconnect(): void {
    for (const close of this.peer?.closes ?? []) close();
    this.peer = null;
    this.inbox = [];
    this.state = feedDisconnected(this.state);
  }

  loseNextMessage(lose = true): void {
    this.dropNext = lose;
  }

  /** Delivers what is queued, including what the replies bring. */
  deliver(): void {
    while (this.inbox.length > 0 && this.peer) {
      const text = this.inbox.shift() as string;
      const message = parseLiveMessage(text);
      expect(message).not.toBeNull();
      // Deltas are what a flaky relay would lose; a lost snapshot is covered by the unit tests of the reducer.
      if (this.dropNext && message?.type === 'delta') {
        this.dropNext = false;
        continue;
      }
      const step = receiveLiveMessage(this.state, message!, NOW.getTime());
      this.state = step.state;
      if (step.reply) {
        this.resyncsAsked++;
        for (const handler of this.peer.messages) handler(JSON.stringify(step.reply));
      }
    }
  }
}

const PHASES: CallPhase[] = ['queued', 'ringing', 'answered', 'wrap_up', 'ended'];

function callEvent(index: number, phaseIndex: number, agentIndex: number, is911: boolean, abandoned: boolean): LiveEvent {
  const phase = PHASES[phaseIndex] as CallPhase;
  const base = 60 - index * 5;
  const timeline: CallTimelineEvent[] = [{ at: at(base), kind: 'received', agentId: null, detail: null }];
  const agentId = phaseIndex >= 1 ? (AGENT_IDS[agentIndex] as string) : null;
  const answered = phaseIndex >= 2 && !(abandoned && phase === 'ended');
  if (answered) timeline.push({ at: at(base - 8), kind: 'answered', agentId, detail: null });
  if (phase === 'ended' && !answered) timeline.push({ at: at(base - 12), kind: 'abandoned', agentId: null, detail: null });
  if (answered && phaseIndex >= 3) timeline.push({ at: at(base - 20), kind: 'ended', agentId, detail: null });
  if (answered && phase === 'ended') timeline.push({ at: at(base - 25), kind: 'wrapped_up', agentId, detail: null });
  return {
    kind: 'call',
    call: {
      callId: CALL_IDS[index] as string, callSid: `CA${'0'.repeat(31)}${index}`, from: '+12155550100', queue: is911 ? 'triage' : 'general',
      is911Transfer: is911, phase, agentId: answered || phase === 'ringing' ? agentId : null, onHold: false, transfer: null,
      disposition: phase === 'ended' && answered ? 'information_given' : null, caseId: null, timeline,
    },
  };
}

function agentEvent(index: number, stateIndex: number, minutesAgo: number): LiveEvent {
  const states = ['available', 'on_call', 'wrap_up', 'away', 'offline'] as const;
  const state = states[stateIndex] as Agent['state'];
  return {
    kind: 'agent',
    agent: {
      id: AGENT_IDS[index] as string, displayName: `Agent ${index}`, role: 'call_taker', skills: ['general'], state,
      stateSince: at(minutesAgo * 60), stateReason: state === 'away' ? 'break' : null,
    },
  };
}

const eventArb = fc.oneof(
  fc.tuple(fc.nat(2), fc.nat(4), fc.nat(2), fc.boolean(), fc.boolean()).map(([i, p, a, t, ab]) => callEvent(i, p, a, t, ab)),
  fc.tuple(fc.nat(2), fc.nat(4), fc.nat(40)).map(([i, s, m]) => agentEvent(i, s, m)),
);

type Step =
  | { op: 'publish'; event: LiveEvent; skip: number }
  | { op: 'publishWhileReloading'; events: LiveEvent[]; afterRead: LiveEvent[] }
  | { op: 'feedLost' }
  | { op: 'deliver' }
  | { op: 'loseMessage' }
  | { op: 'disconnect' }
  | { op: 'reconnect' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('publish' as const), event: eventArb, skip: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, fc.nat(3)) }) },
  { weight: 1, arbitrary: fc.record({
    op: fc.constant('publishWhileReloading' as const), events: fc.array(eventArb, { maxLength: 3 }), afterRead: fc.array(eventArb, { maxLength: 3 }),
  }) },
  { weight: 1, arbitrary: fc.constant({ op: 'feedLost' as const }) },
  { weight: 3, arbitrary: fc.constant({ op: 'deliver' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'loseMessage' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'disconnect' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
);

describe('wallboard snapshot + deltas', () => {
  it('leaves every team lead with exactly the server board, whatever was lost on the way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 60 }), async (steps) => {
        const database = new Database();
        const feed = new TestFeed();
        const state = new LiveState({ feed, loadBoard: (day) => database.loadBoard(day), now: () => NOW });
        await state.reload();
        const hub = new WallboardHub(state, { now: () => NOW, tickMs: 3_600_000 });
        const lead = new TeamLead();
        lead.connect(hub);
        const publish = (event: LiveEvent, skip = 0): void => {
          database.apply(event);
          feed.publish(event, skip);
        };
        try {
          for (const step of steps) {
            if (step.op === 'publish') publish(step.event, step.skip);
            if (step.op === 'publishWhileReloading') {
              database.afterRead = () => step.afterRead.forEach((event) => publish(event));
              const reloading = state.reload();
              for (const event of step.events) publish(event);
              await reloading;
            }
            if (step.op === 'feedLost') {
              feed.lose();
              await state.reload();
            }
            if (step.op === 'deliver') lead.deliver();
            if (step.op === 'loseMessage') lead.loseNextMessage();
            if (step.op === 'disconnect' && lead.connected) lead.disconnect();
            if (step.op === 'reconnect' && !lead.connected) lead.connect(hub);
          }
          // A lost last message shows as a hole only when another one follows, as it would on the floor.
          if (!lead.connected) lead.connect(hub);
          lead.deliver();
          lead.loseNextMessage(false);
          publish(agentEvent(0, 0, 1));
          lead.deliver();

          const server = state.snapshot();
          expect(server.board).toEqual(await database.loadBoard(new Date(server.board.dayStart)));
          expect(lead.state.status).toBe('live');
          expect(lead.state.seq).toBe(server.seq);
          expect(lead.state.board).toEqual(server.board);
        } finally {
          hub.close();
          state.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('asks for a snapshot when a delta is lost, and not otherwise', async () => {
    const database = new Database();
    const feed = new TestFeed();
    const state = new LiveState({ feed, loadBoard: (day) => database.loadBoard(day), now: () => NOW });
    await state.reload();
    const hub = new WallboardHub(state, { now: () => NOW, tickMs: 3_600_000 });
    const lead = new TeamLead();
    lead.connect(hub);
    const publish = (event: LiveEvent, skip = 0): void => {
      database.apply(event);
      feed.publish(event, skip);
    };
    publish(callEvent(0, 0, 0, false, false));
    publish(agentEvent(1, 3, 2), 2); // a sequence number skipped by the feed is not a hole in the stream
    lead.deliver();
    expect(lead.resyncsAsked).toBe(0);
    expect(lead.state.seq).toBe(4);

    publish(callEvent(0, 2, 1, false, false));
    lead.loseNextMessage();
    lead.deliver();
    publish(agentEvent(1, 1, 0));
    lead.deliver();
    expect(lead.resyncsAsked).toBe(1);
    expect(lead.state.board).toEqual(state.snapshot().board);
    expect(lead.state.board?.calls[0]?.phase).toBe('answered');
    hub.close();
    state.close();
  });
});
