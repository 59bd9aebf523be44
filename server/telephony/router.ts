// Which queue an inbound call belongs to, and which agent (if any) it is offered to. Pure
// functions over rows the caller loads, so the queue engine can grow here and stay testable.
import type { Agent } from '../../shared/domain/agent.js';
import type { QueueName } from '../../shared/domain/call.js';

/** The skill an agent needs to take calls of a queue. */
export const QUEUE_SKILL: Record<QueueName, string> = { general: 'general', triage: 'triage' };

/** The SIP header a 911 center's trunk sets on a transfer (Twilio passes it as SipHeader_…). */
export const TRANSFER_SIP_PARAM = 'SipHeader_X-Frontdesk-Transfer';

export interface InboundCallFacts {
  to: string;
  params: Record<string, unknown>;
  transfer911Numbers: readonly string[];
}

export function classifyInboundCall(facts: InboundCallFacts): { queue: QueueName; is911Transfer: boolean } {
  const sipTransfer = String(facts.params[TRANSFER_SIP_PARAM] ?? '').trim() === '911';
  const is911Transfer = sipTransfer || facts.transfer911Numbers.includes(facts.to);
  return { queue: is911Transfer ? 'triage' : 'general', is911Transfer };
}

export type RouteDecision = { kind: 'dial'; agentId: string } | { kind: 'enqueue'; queue: QueueName };

type RoutableAgent = Pick<Agent, 'id' | 'skills' | 'state' | 'stateSince'>;

/**
 * Offers the call to the agent who has been available the longest and has the queue's skill,
 * skipping agents a ringing call is already reserved for and agents who already declined or let
 * this call ring out. Ties go to the lower id, so the choice is stable.
 */
export function chooseAgent(
  agents: ReadonlyArray<RoutableAgent>,
  queue: QueueName,
  reservedAgentIds: ReadonlySet<string> = new Set(),
  refusedBy: ReadonlySet<string> = new Set(),
): RouteDecision {
  const skill = QUEUE_SKILL[queue];
  const candidates = agents
    .filter(
      (agent) =>
        agent.state === 'available' && agent.skills.includes(skill) && !reservedAgentIds.has(agent.id) && !refusedBy.has(agent.id),
    )
    .sort((a, b) => Date.parse(a.stateSince) - Date.parse(b.stateSince) || a.id.localeCompare(b.id));
  const chosen = candidates[0];
  return chosen ? { kind: 'dial', agentId: chosen.id } : { kind: 'enqueue', queue };
}

/** A caller waiting in a queue, with the agents who already declined or missed this call. */
export interface WaitingCall {
  id: string;
  queue: QueueName;
  is911Transfer: boolean;
  receivedAt: string;
  refusedBy: readonly string[];
  /** Raised by a team lead; absent means normal. */
  priority?: 'normal' | 'high';
}

/**
 * 911 transfers first, then calls a team lead raised to high priority, then whoever has waited
 * longest; ties by id, so the order is stable.
 */
export function compareWaitingCalls(a: WaitingCall, b: WaitingCall): number {
  const high = (call: WaitingCall): number => Number(call.priority === 'high');
  return (
    Number(b.is911Transfer) - Number(a.is911Transfer) ||
    high(b) - high(a) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * Pairs waiting calls with free agents, best call first: each call goes to the longest-idle
 * eligible agent not yet reserved, and no agent gets two calls in one pass.
 */
export function matchWaitingCalls(
  waiting: ReadonlyArray<WaitingCall>,
  agents: ReadonlyArray<RoutableAgent>,
  reservedAgentIds: ReadonlySet<string> = new Set(),
): Array<{ callId: string; agentId: string }> {
  const reserved = new Set(reservedAgentIds);
  const offers: Array<{ callId: string; agentId: string }> = [];
  for (const call of [...waiting].sort(compareWaitingCalls)) {
    const decision = chooseAgent(agents, call.queue, reserved, new Set(call.refusedBy));
    if (decision.kind !== 'dial') continue;
    reserved.add(decision.agentId);
    offers.push({ callId: call.id, agentId: decision.agentId });
  }
  return offers;
}
