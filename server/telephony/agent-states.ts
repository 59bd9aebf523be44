// The agent state machine: which states an agent may choose, and where calls, timers and missed
// offers move them. Pure, so every move is testable without a database; agents.ts applies them.
import { AWAY_REASONS, type AgentState } from '../../shared/domain/agent.js';

export interface AgentStatus {
  state: AgentState;
  stateSince: string;
  stateReason: string | null;
}

/** What the agent may ask for from each state. on_call is only ever entered by answering a call. */
export const AGENT_CHOICES: Readonly<Record<AgentState, readonly AgentState[]>> = {
  offline: ['available', 'away', 'offline'],
  available: ['available', 'away', 'offline'],
  away: ['available', 'away', 'offline'],
  wrap_up: ['available', 'away', 'offline', 'wrap_up'],
  on_call: [],
};

/** Reasons the server writes when it moves an agent by itself; the desktop shows them. */
export const SYSTEM_REASONS = {
  wrapUpOver: 'wrap-up time over',
  missedCall: 'missed call',
  wrappedUp: 'wrap-up done',
} as const;

export type AgentChoiceResult =
  | { ok: true; state: AgentState; reason: string | null }
  | { ok: false; message: string };

/** An agent's own request (PUT /agents/me/state). Away needs one of AWAY_REASONS. */
export function chooseAgentState(current: AgentState, requested: AgentState, reason: string | null): AgentChoiceResult {
  if (!AGENT_CHOICES[current].includes(requested)) {
    const why = current === 'on_call' ? 'finish the live call first' : `${requested} is set by the call router, not chosen`;
    return { ok: false, message: `cannot go from ${current} to ${requested}: ${why}` };
  }
  if (requested === 'away') {
    if (!reason || !(AWAY_REASONS as readonly string[]).includes(reason)) {
      return { ok: false, message: `going away needs a reason, one of ${AWAY_REASONS.join(', ')}` };
    }
    return { ok: true, state: 'away', reason };
  }
  if (reason !== null) return { ok: false, message: `a reason is given only when going away, not for ${requested}` };
  return { ok: true, state: requested, reason: null };
}

/** Events of the call router and timers, not chosen by the agent. */
export type AgentSystemEvent =
  | { kind: 'answered' }
  | { kind: 'call_ended'; wrapUpSeconds: number }
  | { kind: 'wrap_up_timer'; now: Date; wrapUpSeconds: number }
  | { kind: 'wrapped_up' }
  | { kind: 'missed'; missedInRow: number; awayAfterMisses: number };

/** The agent's next state and reason after a system event, or null when nothing changes. */
export function applyAgentEvent(current: AgentStatus, event: AgentSystemEvent): { state: AgentState; reason: string | null } | null {
  switch (event.kind) {
    case 'answered':
      return current.state === 'on_call' ? null : { state: 'on_call', reason: null };
    case 'call_ended':
      if (current.state !== 'on_call') return null;
      return event.wrapUpSeconds > 0 ? { state: 'wrap_up', reason: null } : { state: 'available', reason: null };
    case 'wrap_up_timer':
      return current.state === 'wrap_up' && wrapUpEndsAt(current, event.wrapUpSeconds) <= event.now.getTime()
        ? { state: 'available', reason: SYSTEM_REASONS.wrapUpOver }
        : null;
    case 'wrapped_up':
      return current.state === 'wrap_up' ? { state: 'available', reason: SYSTEM_REASONS.wrappedUp } : null;
    case 'missed':
      // Only an agent still waiting for calls is taken out of rotation; one who went away or
      // offline meanwhile keeps what they chose.
      return current.state === 'available' && event.missedInRow >= event.awayAfterMisses
        ? { state: 'away', reason: event.missedInRow === 1 ? SYSTEM_REASONS.missedCall : `missed ${event.missedInRow} calls` }
        : null;
  }
}

export function wrapUpEndsAt(status: Pick<AgentStatus, 'stateSince'>, wrapUpSeconds: number): number {
  return Date.parse(status.stateSince) + wrapUpSeconds * 1000;
}
