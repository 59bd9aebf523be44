// The wallboard's call view from the router's call state, board changes, and threshold alerts.
import { describe, expect, it } from 'vitest';
import type { CallControlState, CallTimelineEvent } from '../../../../shared/call-control.js';
import { AlertThresholdsSchema, type WallboardBoard, type WallboardCall } from '../../../../shared/live-protocol.js';
import { computeAlerts } from '../../../../shared/queue/alerts.js';
import { applyBoardChange, startBoardDay, wallboardCallFromControl } from '../../../../shared/queue/board.js';

const T0 = Date.parse('2026-12-01T14:10:00.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
const step = (seconds: number, kind: CallTimelineEvent['kind']): CallTimelineEvent => ({ at: at(seconds), kind, agentId: null, detail: null });

function control(timeline: CallTimelineEvent[], over: Partial<CallControlState> = {}): CallControlState {
  return {
    callId: '0193a000-0000-7000-8000-00000000000a', callSid: `CA${'1'.repeat(32)}`, from: '+12155550142', queue: 'general',
    is911Transfer: false, phase: 'ended', agentId: 'demo-triage', onHold: false, transfer: null, disposition: null, caseId: null,
    timeline, ...over,
  };
}

function call(received: number, over: Partial<WallboardCall> = {}): WallboardCall {
  return {
    callId: `call-${received}`, queue: 'general', is911Transfer: false, phase: 'queued', agentId: null, onHold: false,
    receivedAt: at(received), answeredAt: null, abandonedAt: null, endedAt: null,
    talkSeconds: null, holdSeconds: null, wrapUpSeconds: null, returnedTo911: false, ...over,
  };
}

describe('wallboardCallFromControl', () => {
  it('takes talk, hold and wrap-up from the timeline', () => {
    // Answered at 15; held 30–50 and again from 60 until the end at 100; wrapped up at 130.
    const view = wallboardCallFromControl(
      control([step(0, 'received'), step(1, 'queued'), step(15, 'answered'), step(30, 'hold'), step(50, 'resume'), step(60, 'hold'), step(100, 'ended'), step(130, 'wrapped_up')]),
      at(999),
    );
    expect(view).toMatchObject({
      receivedAt: at(0), answeredAt: at(15), abandonedAt: null, endedAt: at(100),
      holdSeconds: 60, talkSeconds: 85 - 60, wrapUpSeconds: 30, returnedTo911: false,
    });
  });

  it('marks a caller who hung up before an answer as abandoned, and knows a hand-back to 911', () => {
    expect(wallboardCallFromControl(control([step(0, 'received'), step(12, 'abandoned')]), at(999))).toMatchObject({
      answeredAt: null, abandonedAt: at(12), endedAt: at(12), talkSeconds: null,
    });
    const returned = control([step(0, 'received'), step(3, 'answered'), step(40, 'ended')], {
      transfer: { mode: 'cold', target: { kind: 'emergency_911' }, targetName: '911 center', status: 'completed', startedAt: at(30), failure: null },
    });
    expect(wallboardCallFromControl(returned, at(999)).returnedTo911).toBe(true);
    expect(wallboardCallFromControl(control([step(0, 'received')], { disposition: 'returned_to_911' }), at(999)).returnedTo911).toBe(true);
    expect(wallboardCallFromControl(control([]), at(7)).receivedAt).toBe(at(7));
  });
});

describe('board changes', () => {
  const board: WallboardBoard = { dayStart: at(-3600), calls: [], agents: [] };

  it('replaces a call whole, keeps calls in arrival order, and drops yesterday\'s finished calls at a new day', () => {
    let next = applyBoardChange(board, { kind: 'call', call: call(20) });
    next = applyBoardChange(next, { kind: 'call', call: call(10, { phase: 'ended', abandonedAt: at(30), endedAt: at(30) }) });
    next = applyBoardChange(next, { kind: 'call', call: call(20, { phase: 'answered', answeredAt: at(25) }) });
    expect(next.calls.map((c) => [c.callId, c.phase])).toEqual([['call-10', 'ended'], ['call-20', 'answered']]);
    expect(applyBoardChange(next, { kind: 'call', call: call(20, { phase: 'answered', answeredAt: at(25) }) })).toEqual(next);
    expect(startBoardDay(next, at(15)).calls.map((c) => c.callId)).toEqual(['call-20']);
  });
});

describe('computeAlerts', () => {
  const thresholds = AlertThresholdsSchema.parse({ oldestWaitSeconds: 90, agentStateMinutes: { away: 15 } });
  const agent = (id: string, state: 'away' | 'offline' | 'available', minutes: number) => ({
    id, displayName: id, role: 'call_taker' as const, skills: [], state, stateSince: at(120 - minutes * 60), stateReason: null, // minutes before the "now" below
  });

  it('flags a caller waiting over the threshold, per queue, and not one under it', () => {
    const board: WallboardBoard = { dayStart: at(-36_000), agents: [], calls: [call(0), call(50, { queue: 'triage' })] };
    const alerts = computeAlerts(board, new Date(T0 + 100_000), thresholds);
    expect(alerts.map((alert) => alert.id)).toEqual(['oldest_wait:general']);
    expect(alerts[0]?.since).toBe(at(90));
    expect(computeAlerts(board, new Date(T0 + 90_000), thresholds)).toEqual([]);
  });

  it('flags the interval\'s service level under target, and an agent too long in a state (never offline)', () => {
    // 14:10 is in the 14:00 interval: one call answered in 5 s, one abandoned after 60 s: 50% < 80%.
    const board: WallboardBoard = {
      dayStart: at(-36_000),
      calls: [call(0, { phase: 'ended', answeredAt: at(5), endedAt: at(50) }), call(10, { phase: 'ended', abandonedAt: at(70), endedAt: at(70) })],
      agents: [agent('away-long', 'away', 16), agent('away-short', 'away', 14), agent('gone', 'offline', 600), agent('free', 'available', 600)],
    };
    const alerts = computeAlerts(board, new Date(T0 + 120_000), thresholds);
    expect(alerts.map((alert) => alert.id)).toEqual(['service_level:interval', 'agent_state:away-long:away']);
    expect(alerts[0]?.message).toContain('50%');
    expect(computeAlerts(board, new Date(T0 + 120_000), { ...thresholds, serviceLevel: false }).map((a) => a.kind)).toEqual(['agent_state']);
  });
});
