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

/**
 * Offers the call to the agent who has been available the longest and has the queue's skill,
 * skipping agents a ringing call is already reserved for. Ties go to the lower id, so the choice
 * is stable.
 */
export function chooseAgent(
  agents: ReadonlyArray<Pick<Agent, 'id' | 'skills' | 'state' | 'stateSince'>>,
  queue: QueueName,
  reservedAgentIds: ReadonlySet<string> = new Set(),
): RouteDecision {
  const skill = QUEUE_SKILL[queue];
  const candidates = agents
    .filter((agent) => agent.state === 'available' && agent.skills.includes(skill) && !reservedAgentIds.has(agent.id))
    .sort((a, b) => Date.parse(a.stateSince) - Date.parse(b.stateSince) || a.id.localeCompare(b.id));
  const chosen = candidates[0];
  return chosen ? { kind: 'dial', agentId: chosen.id } : { kind: 'enqueue', queue };
}
