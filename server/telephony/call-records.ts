// The life of a call as Twilio reports it: recorded on the voice webhook, offered to an agent,
// moved along by status callbacks and the <Dial> result. All writes go through here.
import { v7 as uuidv7 } from 'uuid';
import type { QueueName } from '../../shared/domain/call.js';
import { lockAgentsForRouting } from '../store/agents.js';
import { toIso, requireIso, type Store } from '../store/store.js';
import { chooseAgent, classifyInboundCall, type RouteDecision } from './router.js';

/** ringing: offered to agent_id; queued: waiting; answered: an agent is talking; ended. */
export type CallStatus = 'ringing' | 'queued' | 'answered' | 'ended';

export interface CallRecord {
  id: string;
  callSid: string;
  fromNumber: string;
  toNumber: string;
  queue: QueueName;
  is911Transfer: boolean;
  status: CallStatus;
  twilioStatus: string | null;
  agentId: string | null;
  receivedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
}

interface CallRow {
  id: string;
  call_sid: string;
  from_number: string;
  to_number: string;
  queue: QueueName;
  is_911_transfer: boolean;
  status: CallStatus;
  twilio_status: string | null;
  agent_id: string | null;
  received_at: Date | string;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
}

function callFromRow(row: CallRow): CallRecord {
  return {
    id: row.id,
    callSid: row.call_sid,
    fromNumber: row.from_number,
    toNumber: row.to_number,
    queue: row.queue,
    is911Transfer: row.is_911_transfer,
    status: row.status,
    twilioStatus: row.twilio_status,
    agentId: row.agent_id,
    receivedAt: requireIso(row.received_at),
    answeredAt: toIso(row.answered_at),
    endedAt: toIso(row.ended_at),
  };
}

export async function findCall(store: Store, callSid: string, forUpdate = false): Promise<CallRecord | null> {
  const [row] = await store.query<CallRow>(
    `SELECT * FROM calls WHERE call_sid = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [callSid],
  );
  return row ? callFromRow(row) : null;
}

export interface InboundCall {
  callSid: string;
  from: string;
  to: string;
  params: Record<string, unknown>;
  transfer911Numbers: readonly string[];
}

/**
 * Records a new call and decides where it goes. A webhook Twilio retries for the same CallSid
 * gets the decision made the first time instead of a second call row.
 */
export async function routeInboundCall(store: Store, inbound: InboundCall): Promise<{ call: CallRecord; decision: RouteDecision }> {
  return store.transaction(async (tx) => {
    const agents = await lockAgentsForRouting(tx);
    const existing = await findCall(tx, inbound.callSid, true);
    if (existing) {
      const decision: RouteDecision =
        existing.status === 'ringing' && existing.agentId
          ? { kind: 'dial', agentId: existing.agentId }
          : { kind: 'enqueue', queue: existing.queue };
      return { call: existing, decision };
    }
    const { queue, is911Transfer } = classifyInboundCall(inbound);
    const reserved = await tx.query<{ agent_id: string }>(
      "SELECT DISTINCT agent_id FROM calls WHERE status = 'ringing' AND agent_id IS NOT NULL AND ended_at IS NULL",
    );
    const decision = chooseAgent(agents, queue, new Set(reserved.map((row) => row.agent_id)));
    const [row] = await tx.query<CallRow>(
      `INSERT INTO calls (id, call_sid, from_number, to_number, queue, is_911_transfer, status, twilio_status, agent_id, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) RETURNING *`,
      [
        uuidv7(), inbound.callSid, inbound.from, inbound.to, queue, is911Transfer,
        decision.kind === 'dial' ? 'ringing' : 'queued',
        typeof inbound.params.CallStatus === 'string' ? inbound.params.CallStatus : null,
        decision.kind === 'dial' ? decision.agentId : null,
      ],
    );
    return { call: callFromRow(row as CallRow), decision };
  });
}

export async function recordCallEvent(store: Store, callSid: string, status: string | null, params: Record<string, unknown>): Promise<void> {
  await store.query('INSERT INTO call_events (call_sid, status, params) VALUES ($1, $2, $3::jsonb)', [
    callSid, status, JSON.stringify(params),
  ]);
}

const TERMINAL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'canceled', 'failed']);

async function releaseAgent(tx: Store, agentId: string | null): Promise<void> {
  // Back to available straight away; wrap-up time is a later feature.
  if (agentId) {
    await tx.query("UPDATE agents SET state = 'available', state_since = now() WHERE id = $1 AND state = 'on_call'", [agentId]);
  }
}

/**
 * Applies a status callback. Callbacks of the agent's leg carry ParentCallSid (our call is the
 * parent); callbacks of the caller's own leg do not. Only the agent's leg answering means an
 * agent picked up: the caller's leg is also "in-progress" while it waits in a queue.
 */
export async function applyStatusCallback(store: Store, params: Record<string, unknown>): Promise<CallRecord | null> {
  const callSid = String(params.CallSid ?? '');
  const parentSid = typeof params.ParentCallSid === 'string' && params.ParentCallSid !== '' ? params.ParentCallSid : null;
  const twilioStatus = String(params.CallStatus ?? '');
  return store.transaction(async (tx) => {
    await recordCallEvent(tx, callSid, twilioStatus || null, params);
    const call = await findCall(tx, parentSid ?? callSid, true);
    if (!call || call.status === 'ended') return call;
    const isAgentLeg = parentSid !== null;
    let next: { status: CallStatus; answered?: boolean; ended?: boolean; clearAgent?: boolean } | null = null;

    if (twilioStatus === 'in-progress' && isAgentLeg) {
      next = { status: 'answered', answered: true };
      if (call.agentId) {
        await tx.query("UPDATE agents SET state = 'on_call', state_since = now() WHERE id = $1 AND state <> 'on_call'", [call.agentId]);
      }
    } else if (TERMINAL_STATUSES.has(twilioStatus)) {
      if (!isAgentLeg || call.status === 'answered') {
        next = { status: 'ended', ended: true };
        if (call.status === 'answered') await releaseAgent(tx, call.agentId);
      } else if (call.status === 'ringing') {
        // The agent did not pick up; the caller is still on the line and the <Dial> result requeues.
        next = { status: 'queued', clearAgent: true };
      }
    }

    const [row] = await tx.query<CallRow>(
      `UPDATE calls SET
         status = $2,
         twilio_status = $3,
         answered_at = CASE WHEN $4::boolean THEN COALESCE(answered_at, now()) ELSE answered_at END,
         ended_at = CASE WHEN $5::boolean THEN COALESCE(ended_at, now()) ELSE ended_at END,
         agent_id = CASE WHEN $6::boolean THEN NULL ELSE agent_id END
       WHERE id = $1 RETURNING *`,
      [call.id, next?.status ?? call.status, twilioStatus || call.twilioStatus, next?.answered ?? false, next?.ended ?? false, next?.clearAgent ?? false],
    );
    return row ? callFromRow(row) : call;
  });
}

/** What to do with the caller once the <Dial> to an agent is over. */
export async function applyDialResult(
  store: Store,
  params: Record<string, unknown>,
): Promise<{ action: 'hangup' } | { action: 'enqueue'; queue: QueueName }> {
  const callSid = String(params.CallSid ?? '');
  const dialStatus = String(params.DialCallStatus ?? '');
  return store.transaction(async (tx) => {
    await recordCallEvent(tx, callSid, dialStatus ? `dial:${dialStatus}` : null, params);
    const call = await findCall(tx, callSid, true);
    const callerGone = params.CallStatus === 'completed' || params.CallStatus === 'canceled';
    if (!call || call.status === 'ended' || callerGone || dialStatus === 'completed' || dialStatus === 'answered') {
      return { action: 'hangup' };
    }
    await tx.query("UPDATE calls SET status = 'queued', agent_id = NULL WHERE id = $1", [call.id]);
    return { action: 'enqueue', queue: call.queue };
  });
}
