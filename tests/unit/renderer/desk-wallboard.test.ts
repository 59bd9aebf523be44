// The wallboard over the DeskApi: the feed source holds a watch lease with the host, hands the
// relayed messages to the connection, ends its link when the host says the feed is down (so the
// wallboard says since when, then reconnects), sends resyncs back as a DeskApi call; supervisor
// actions and preferences are DeskApi calls; alerts become desktop notifications; only team leads
// and admins can switch to the floor.
import { describe, expect, it, vi } from 'vitest';
import type { WallboardRelayMessage } from '../../../shared/desk-api.js';
import type { Agent } from '../../../shared/domain/agent.js';
import { DeskFailure } from '../../../shared/errors.js';
import type { LiveServerMessage, WallboardAlert } from '../../../shared/live-protocol.js';
import { DeskController } from '../../../renderer/app/controller.js';
import { createMilestoneRecorder } from '../../../renderer/app/milestones.js';
import { deskSupervisorActions, deskWallboardPreferences, deskWallboardSource } from '../../../renderer/queue/desk-wallboard.js';
import { WallboardConnection } from '../../../renderer/queue/wallboard-connection.js';
import type { WallboardFeedState } from '../../../renderer/queue/wallboard-feed.js';
import { buildWallboard } from '../../../renderer/queue/wallboard-view.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { createFakeDesk } from './fake-desk.js';
import { agent } from './fixtures.js';

const AT = '2026-12-01T12:00:00.000Z';
const CALL_ID = '0190a8f2-7b1c-7c3e-8f00-112233445566';

function snapshot(seq: number, waiting = 0): LiveServerMessage {
  return {
    type: 'snapshot',
    seq,
    at: AT,
    board: {
      dayStart: '2026-12-01T05:00:00.000Z',
      calls: Array.from({ length: waiting }, (_, index) => ({
        callId: `0190a8f2-7b1c-7c3e-8f00-00000000000${index}`, queue: 'general', is911Transfer: false, phase: 'queued' as const,
        agentId: null, onHold: false, receivedAt: AT, answeredAt: null, abandonedAt: null, endedAt: null,
        talkSeconds: null, holdSeconds: null, wrapUpSeconds: null, returnedTo911: false,
      })),
      agents: [],
    },
    metrics: { serviceLevelSeconds: 20, serviceLevelTarget: 0.8, shortAbandonSeconds: 5 },
    thresholds: { oldestWaitSeconds: 90, serviceLevel: true, agentStateMinutes: { on_call: 20 } },
  };
}

const awayAgent: Agent = { ...agent, state: 'away', stateSince: AT, stateReason: 'set by Alex Kim' };
const delta = (seq: number, prevSeq: number): LiveServerMessage => ({ type: 'delta', seq, prevSeq, at: AT, change: { kind: 'agent', agent: awayAgent } });
const alert: WallboardAlert = { id: 'oldest_wait:general', kind: 'oldest_wait', subject: 'general', message: 'A caller has waited over 90 s in General', since: AT };

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number }> = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const entry = { fn, ms };
      pending.push(entry);
      return entry;
    },
    clearTimer: (handle: unknown) => {
      const index = pending.indexOf(handle as (typeof pending)[number]);
      if (index >= 0) pending.splice(index, 1);
    },
    fireAll() {
      for (const entry of pending.splice(0)) entry.fn();
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function openLink(overrides: Parameters<typeof createFakeDesk>[0] = {}) {
  const fake = createFakeDesk(overrides);
  const timers = manualTimers();
  let ids = 0;
  const source = deskWallboardSource(fake.desk, {
    newWatcherId: () => `watcher-${++ids}`,
    setInterval: timers.setTimer,
    clearInterval: timers.clearTimer,
  });
  const received: unknown[] = [];
  const closed = vi.fn();
  const link = source.open({ message: (text) => received.push(JSON.parse(text)), closed });
  return { ...fake, timers, link, received, closed, emitRelay: (message: WallboardRelayMessage) => fake.emit('wallboard', message) };
}

describe('the wallboard source over the desk', () => {
  it('watches with a lease, hands on relayed messages and renews before the lease runs out', async () => {
    const { desk, calls, timers, received, closed, emitRelay } = openLink();
    await flush();
    expect(calls).toEqual(['watchWallboard:watcher-1']);
    emitRelay(snapshot(3));
    emitRelay(delta(4, 3));
    expect(received).toEqual([snapshot(3), delta(4, 3)]);

    // The fake host grants 30 s: renewed every 10 s with the same id.
    expect(timers.pending.map((entry) => entry.ms)).toEqual([10_000]);
    timers.pending[0]!.fn();
    await flush();
    expect(calls).toEqual(['watchWallboard:watcher-1', 'watchWallboard:watcher-1']);
    expect(closed).not.toHaveBeenCalled();
    expect(desk.unwatchWallboard).not.toHaveBeenCalled();
  });

  it('ends the link once when the host says the feed is down, and stops watching', async () => {
    const { calls, timers, received, closed, emitRelay } = openLink();
    await flush();
    emitRelay({ type: 'feed_down', since: AT, reason: 'connect ECONNREFUSED' });
    emitRelay({ type: 'feed_down', since: AT, reason: 'connect ECONNREFUSED' });
    emitRelay(snapshot(5));
    await flush();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(received).toEqual([]);
    expect(calls).toContain('unwatchWallboard:watcher-1');
    expect(timers.pending).toEqual([]);
  });

  it('ends the link when the host answers the watch with the feed down, or not at all', async () => {
    const down = openLink({ watchWallboard: vi.fn(async () => ({ leaseMs: 30_000, feed: 'down' as const, downSince: AT })) });
    await flush();
    expect(down.closed).toHaveBeenCalledTimes(1);

    const gone = openLink({ watchWallboard: vi.fn(async () => Promise.reject(new DeskFailure('SERVER_UNREACHABLE', 'desk host gone'))) });
    await flush();
    expect(gone.closed).toHaveBeenCalledTimes(1);
    expect(gone.timers.pending).toEqual([]);
  });

  it('sends a resync request as a DeskApi call and nothing else', async () => {
    const { desk, link } = openLink();
    await flush();
    link.send('{"type":"resync"}');
    link.send('{"type":"something-else"}');
    link.send('not json');
    expect(desk.resyncWallboard).toHaveBeenCalledTimes(1);
  });
});

describe('the wallboard connection through the desk', () => {
  it('goes live, says since when the feed is down, reconnects with a new watch and goes live again', async () => {
    const fake = createFakeDesk();
    const timers = manualTimers();
    let ids = 0;
    const states: WallboardFeedState[] = [];
    const notify = vi.fn();
    const connection = new WallboardConnection(
      deskWallboardSource(fake.desk, { newWatcherId: () => `watcher-${++ids}`, setInterval: () => null, clearInterval: () => undefined }),
      { onChange: (state) => states.push(state), notify, setTimer: timers.setTimer, clearTimer: timers.clearTimer, now: () => Date.parse(AT) },
    );
    connection.start();
    await flush();
    fake.emit('wallboard', snapshot(3, 2));
    expect(connection.current.status).toBe('live');
    expect(buildWallboard(connection.current, Date.parse(AT)).queues.find((queue) => queue.queue === 'general')?.waiting).toBe(2);

    // A hole: the renderer asks the host for a snapshot.
    fake.emit('wallboard', delta(6, 5));
    await flush();
    expect(fake.desk.resyncWallboard).toHaveBeenCalledTimes(1);
    fake.emit('wallboard', snapshot(6, 1));
    fake.emit('wallboard', { type: 'alerts', at: AT, alerts: [alert] });
    expect(notify).toHaveBeenCalledWith(alert);

    fake.emit('wallboard', { type: 'feed_down', since: AT, reason: 'the server closed the wallboard feed' });
    const down = connection.current;
    expect(down.status).toBe('connecting');
    expect(down.downSince).toBe(AT);
    const view = buildWallboard(down, Date.parse(AT));
    expect(view.live).toBe(false);
    expect(view.statusText).toMatch(/^Feed down since \d\d:\d\d — figures may be out of date; reconnecting…$/);
    // The last board stays on screen, marked as not live.
    expect(view.queues.find((queue) => queue.queue === 'general')?.waiting).toBe(1);

    timers.fireAll();
    await flush();
    expect(fake.calls.filter((call) => call.startsWith('watchWallboard'))).toEqual(['watchWallboard:watcher-1', 'watchWallboard:watcher-2']);
    fake.emit('wallboard', snapshot(8, 0));
    expect(connection.current).toMatchObject({ status: 'live', downSince: null, seq: 8 });
    connection.stop();
    await flush();
    expect(fake.calls).toContain('unwatchWallboard:watcher-2');
  });

  it('says the feed is down before any board has come', async () => {
    const fake = createFakeDesk({ watchWallboard: vi.fn(async () => ({ leaseMs: 30_000, feed: 'down' as const, downSince: AT })) });
    const connection = new WallboardConnection(deskWallboardSource(fake.desk), {
      onChange: () => undefined, setTimer: () => null, clearTimer: () => undefined, now: () => Date.parse(AT),
    });
    connection.start();
    await flush();
    expect(buildWallboard(connection.current, Date.parse(AT)).statusText).toMatch(/^Feed down since \d\d:\d\d; reconnecting…$/);
    connection.stop();
  });
});

describe('supervisor actions and preferences over the desk', () => {
  it('maps each action to its DeskApi method and passes refusals through', async () => {
    const fake = createFakeDesk();
    const actions = deskSupervisorActions(fake.desk);
    await expect(actions.setAgentState('demo-calltaker', 'away', 'coaching')).resolves.toMatchObject({ id: 'demo-calltaker', state: 'away', stateReason: 'coaching' });
    expect(fake.desk.supervisorSetAgentState).toHaveBeenCalledWith({ agentId: 'demo-calltaker', state: 'away', reason: 'coaching' });
    await actions.setAgentSkills('demo-calltaker', ['triage']);
    expect(fake.desk.supervisorSetAgentSkills).toHaveBeenCalledWith({ agentId: 'demo-calltaker', skills: ['triage'] });
    await actions.monitorCall(CALL_ID, 'coach');
    expect(fake.desk.monitorCall).toHaveBeenCalledWith({ callId: CALL_ID, mode: 'coach' });
    await actions.leaveCall(CALL_ID);
    expect(fake.desk.leaveMonitoredCall).toHaveBeenCalledWith({ callId: CALL_ID });
    await actions.setCallPriority(CALL_ID, 'high');
    expect(fake.desk.setCallPriority).toHaveBeenCalledWith({ callId: CALL_ID, priority: 'high' });
    await actions.assignCall(CALL_ID, 'demo-triage');
    expect(fake.desk.assignCall).toHaveBeenCalledWith({ callId: CALL_ID, agentId: 'demo-triage' });

    const refusing = deskSupervisorActions(createFakeDesk({
      supervisorSetAgentState: vi.fn(async () => Promise.reject(new DeskFailure('STATE_CONFLICT', 'Jordan is on a call'))),
    }).desk);
    await expect(refusing.setAgentState('demo-calltaker', 'available', null)).rejects.toMatchObject({ code: 'STATE_CONFLICT', message: 'Jordan is on a call' });
  });

  it('loads and saves the preferences through the desk', async () => {
    const fake = createFakeDesk();
    const store = deskWallboardPreferences(fake.desk);
    await expect(store.load()).resolves.toEqual({ bigScreenCards: ['queue:general', 'agents'], bigScreen: false });
    await store.save({ bigScreenCards: ['alerts'], bigScreen: true });
    expect(fake.desk.saveWallboardPreferences).toHaveBeenCalledWith({ bigScreenCards: ['alerts'], bigScreen: true });
  });
});

describe('the floor in the app', () => {
  function controllerWith(notify = vi.fn()) {
    const fake = createFakeDesk();
    const store = createDeskStore();
    const controller = new DeskController({
      desk: fake.desk,
      store,
      milestone: createMilestoneRecorder({}),
      createSoftphone: async () => {
        throw new Error('no softphone here');
      },
      notifier: { notify },
    });
    return { controller, store, notify };
  }

  it('raises a desktop notification for each new wallboard alert', () => {
    const { controller, notify } = controllerWith();
    controller.floor.notify(alert);
    expect(notify).toHaveBeenCalledWith({ title: 'Wallboard alert', body: alert.message });
  });

  it('lets team leads and admins switch to the floor, never call-takers', () => {
    const { store } = controllerWith();
    store.getState().agentChanged({ ...agent, role: 'call_taker' });
    store.getState().deskViewChosen('floor');
    expect(store.getState().deskView).toBe('calls');

    for (const role of ['team_lead', 'admin'] as const) {
      store.getState().agentChanged({ ...agent, role, stateSince: new Date().toISOString() });
      store.getState().deskViewChosen('floor');
      expect(store.getState().deskView).toBe('floor');
      store.getState().deskViewChosen('calls');
      expect(store.getState().deskView).toBe('calls');
    }
  });
});
