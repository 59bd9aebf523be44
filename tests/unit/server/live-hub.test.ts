// The wallboard hub on the in-process bus: alerts are sent when they change and only then, a new
// day sends everyone a snapshot without yesterday's finished calls, and a socket that sends
// something other than a wallboard message is closed.
import { describe, expect, it } from 'vitest';
import type { CallControlState } from '../../../shared/call-control.js';
import { LiveServerMessageSchema, type LiveServerMessage, type WallboardBoard } from '../../../shared/live-protocol.js';
import { InProcessLiveBus } from '../../../server/live/live-bus.js';
import { InProcessLiveFeed } from '../../../server/live/live-feed.js';
import { LiveState } from '../../../server/live/live-state.js';
import { WallboardHub, type WallboardPeer } from '../../../server/live/wallboard-hub.js';

function setup(start: Date) {
  let now = start;
  const bus = new InProcessLiveBus();
  const feed = new InProcessLiveFeed(bus);
  const empty = async (day: Date): Promise<WallboardBoard> => ({ dayStart: day.toISOString(), calls: [], agents: [] });
  const state = new LiveState({ feed, loadBoard: empty, now: () => now });
  const hub = new WallboardHub(state, { now: () => now, tickMs: 3_600_000, thresholds: { oldestWaitSeconds: 60 } });
  const received: LiveServerMessage[] = [];
  const handlers: Array<(text: string) => void> = [];
  const closed: number[] = [];
  const peer: WallboardPeer = {
    send: (text) => received.push(LiveServerMessageSchema.parse(JSON.parse(text))),
    close: (code) => closed.push(code),
    onMessage: (handler) => handlers.push(handler),
    onClose: () => undefined,
  };
  return {
    bus, state, hub, peer, received, closed,
    say: (text: string) => handlers.forEach((handler) => handler(text)),
    setNow: (next: Date) => {
      now = next;
    },
  };
}

function call(receivedAt: string, phase: CallControlState['phase'], extra: CallControlState['timeline'] = []): CallControlState {
  return {
    callId: '0193a000-0000-7000-8000-0000000000c1', callSid: `CA${'2'.repeat(32)}`, from: '+12155550142', queue: 'general',
    is911Transfer: false, phase, agentId: null, onHold: false, transfer: null, disposition: null, caseId: null,
    timeline: [{ at: receivedAt, kind: 'received', agentId: null, detail: null }, ...extra],
  };
}

describe('WallboardHub', () => {
  it('sends alerts when they change, and only then', async () => {
    const start = new Date(2026, 11, 1, 14, 10, 0);
    const t = setup(start);
    await t.state.reload();
    t.hub.attach(t.peer);
    expect(t.received.map((m) => m.type)).toEqual(['snapshot', 'alerts']);

    await t.bus.publish({ kind: 'call', call: call(new Date(start.getTime() - 61_000).toISOString(), 'queued') });
    t.hub.tick();
    t.hub.tick();
    const alerts = t.received.filter((m): m is Extract<LiveServerMessage, { type: 'alerts' }> => m.type === 'alerts');
    expect(alerts.map((m) => m.alerts.map((a) => a.id))).toEqual([[], ['oldest_wait:general']]);

    const answeredAt = new Date(start.getTime() - 1_000).toISOString();
    await t.bus.publish({ kind: 'call', call: call(new Date(start.getTime() - 61_000).toISOString(), 'answered', [{ at: answeredAt, kind: 'answered', agentId: null, detail: null }]) });
    t.hub.tick();
    // No one waits now; the caller answered after 60 s, so the interval stands at 0% in 20 s.
    const last = t.received.at(-1);
    expect(last?.type === 'alerts' && last.alerts.map((a) => a.id)).toEqual(['service_level:interval']);
    t.hub.close();
    t.state.close();
  });

  it('starts a new day with a fresh snapshot, and closes a socket that speaks nonsense', async () => {
    const start = new Date(2026, 11, 1, 23, 59, 0);
    const t = setup(start);
    await t.state.reload();
    t.hub.attach(t.peer);
    const at = (ms: number) => new Date(start.getTime() + ms).toISOString();
    await t.bus.publish({
      kind: 'call',
      call: call(at(0), 'ended', [{ at: at(3_000), kind: 'abandoned', agentId: null, detail: null }]),
    });
    expect(t.received.at(-1)).toMatchObject({ type: 'delta', seq: 1, prevSeq: 0 });

    t.setNow(new Date(2026, 11, 2, 0, 1, 0));
    t.hub.tick();
    const snapshot = t.received.filter((m) => m.type === 'snapshot').at(-1);
    expect(snapshot).toMatchObject({ seq: 1, board: { calls: [], dayStart: new Date(2026, 11, 2).toISOString() } });

    t.say('{"type":"shout"}');
    expect(t.closed).toEqual([1008]);
    t.hub.close();
    t.state.close();
  });
});
