// The agent state machine: every move an agent may choose, the ones refused, and the moves the
// router and timers make (answer, call end, timed wrap-up with an injected clock, missed calls).
import { describe, expect, it } from 'vitest';
import { AgentStateSchema, AWAY_REASONS, type AgentState } from '../../../shared/domain/agent.js';
import { AGENT_CHOICES, applyAgentEvent, chooseAgentState, SYSTEM_REASONS, type AgentStatus } from '../../../server/telephony/agent-states.js';

const STATES = AgentStateSchema.options;
const status = (state: AgentState, stateSince = '2026-12-01T10:00:00.000Z', stateReason: string | null = null): AgentStatus => ({
  state, stateSince, stateReason,
});

describe('chooseAgentState (the agent asks)', () => {
  const legal: Array<[AgentState, AgentState]> = [
    ['offline', 'available'], ['offline', 'away'], ['offline', 'offline'],
    ['available', 'available'], ['available', 'away'], ['available', 'offline'],
    ['away', 'available'], ['away', 'away'], ['away', 'offline'],
    ['wrap_up', 'available'], ['wrap_up', 'away'], ['wrap_up', 'offline'], ['wrap_up', 'wrap_up'],
  ];

  it.each(legal)('allows %s → %s', (from, to) => {
    const result = chooseAgentState(from, to, to === 'away' ? 'lunch' : null);
    expect(result).toEqual({ ok: true, state: to, reason: to === 'away' ? 'lunch' : null });
  });

  it('refuses every other move, naming both states', () => {
    const allowed = new Set(legal.map(([from, to]) => `${from}>${to}`));
    const refused = STATES.flatMap((from) => STATES.map((to) => [from, to] as const)).filter(([from, to]) => !allowed.has(`${from}>${to}`));
    // on_call is never chosen, and nothing is chosen while on a call.
    expect(refused).toHaveLength(STATES.length * STATES.length - legal.length);
    for (const [from, to] of refused) {
      const result = chooseAgentState(from, to, to === 'away' ? 'break' : null);
      expect(result.ok, `${from} → ${to}`).toBe(false);
      if (!result.ok) expect(result.message).toContain(`from ${from} to ${to}`);
    }
    expect(AGENT_CHOICES.on_call).toEqual([]);
    const live = chooseAgentState('on_call', 'available', null);
    expect(live).toEqual({ ok: false, message: 'cannot go from on_call to available: finish the live call first' });
  });

  it('needs one of the away reasons to go away, and no reason otherwise', () => {
    for (const reason of AWAY_REASONS) expect(chooseAgentState('available', 'away', reason)).toEqual({ ok: true, state: 'away', reason });
    expect(chooseAgentState('available', 'away', null).ok).toBe(false);
    expect(chooseAgentState('available', 'away', 'napping').ok).toBe(false);
    expect(chooseAgentState('away', 'available', 'lunch').ok).toBe(false);
  });
});

describe('applyAgentEvent (the router and timers move the agent)', () => {
  it('puts an agent who answers on a call, and leaves one already on a call alone', () => {
    expect(applyAgentEvent(status('available'), { kind: 'answered' })).toEqual({ state: 'on_call', reason: null });
    expect(applyAgentEvent(status('on_call'), { kind: 'answered' })).toBeNull();
  });

  it('sends the agent to wrap-up when the call ends, or straight to available with no wrap-up time', () => {
    expect(applyAgentEvent(status('on_call'), { kind: 'call_ended', wrapUpSeconds: 30 })).toEqual({ state: 'wrap_up', reason: null });
    expect(applyAgentEvent(status('on_call'), { kind: 'call_ended', wrapUpSeconds: 0 })).toEqual({ state: 'available', reason: null });
    // An agent who already left the call (a completed transfer) is not moved again.
    expect(applyAgentEvent(status('available'), { kind: 'call_ended', wrapUpSeconds: 30 })).toBeNull();
  });

  it('ends a timed wrap-up exactly when its time is up, on the injected clock, with the reason shown', () => {
    const since = '2026-12-01T10:00:00.000Z';
    const at = (seconds: number) => new Date(Date.parse(since) + seconds * 1000);
    expect(applyAgentEvent(status('wrap_up', since), { kind: 'wrap_up_timer', now: at(29.999), wrapUpSeconds: 30 })).toBeNull();
    expect(applyAgentEvent(status('wrap_up', since), { kind: 'wrap_up_timer', now: at(30), wrapUpSeconds: 30 })).toEqual({
      state: 'available', reason: SYSTEM_REASONS.wrapUpOver,
    });
    // Only a wrap-up ends by the timer.
    expect(applyAgentEvent(status('away', since), { kind: 'wrap_up_timer', now: at(999), wrapUpSeconds: 30 })).toBeNull();
  });

  it('makes the agent available when they finish wrap-up themselves', () => {
    expect(applyAgentEvent(status('wrap_up'), { kind: 'wrapped_up' })).toEqual({ state: 'available', reason: SYSTEM_REASONS.wrappedUp });
    expect(applyAgentEvent(status('away', undefined, 'lunch'), { kind: 'wrapped_up' })).toBeNull();
  });

  it('takes an agent out of rotation after the configured number of missed calls, with the reason', () => {
    expect(applyAgentEvent(status('available'), { kind: 'missed', missedInRow: 1, awayAfterMisses: 1 })).toEqual({ state: 'away', reason: 'missed call' });
    expect(applyAgentEvent(status('available'), { kind: 'missed', missedInRow: 1, awayAfterMisses: 2 })).toBeNull();
    expect(applyAgentEvent(status('available'), { kind: 'missed', missedInRow: 2, awayAfterMisses: 2 })).toEqual({ state: 'away', reason: 'missed 2 calls' });
    // Someone who already went away or offline keeps what they chose.
    expect(applyAgentEvent(status('offline'), { kind: 'missed', missedInRow: 5, awayAfterMisses: 1 })).toBeNull();
  });
});
