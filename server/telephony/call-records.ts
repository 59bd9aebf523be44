// Calls as stored: the row, its timeline, its offers to agents, and the view the desktop gets.
// Lifecycle changes are in call-lifecycle.ts; every write of a call goes through these modules.
import type { CallControlState, CallPhase, CallTimelineEvent, CallTimelineKind, Transfer } from '../../shared/call-control.js';
import type { QueueName } from '../../shared/domain/call.js';
import { toIso, requireIso, type Store } from '../store/store.js';
import type { WaitingCall } from './router.js';

/** ringing: offered to agent_id; queued: waiting; answered: an agent is talking; ended. */
export type CallStatus = 'ringing' | 'queued' | 'answered' | 'ended';

/** A transfer as stored: the shared Transfer plus the target's leg and who started it. */
export interface StoredTransfer extends Transfer {
  transferredBy: string;
  /** The target's call leg, once Twilio created it. */
  callSid: string | null;
}

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
  abandoned: boolean;
  agentLegSid: string | null;
  conferenceName: string | null;
  conferenceSid: string | null;
  callerInConference: boolean;
  onHold: boolean;
  transfer: StoredTransfer | null;
  summary: string | null;
  disposition: CallControlState['disposition'];
  caseId: string | null;
  wrappedUpAt: string | null;
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
  abandoned: boolean;
  agent_leg_sid: string | null;
  conference_name: string | null;
  conference_sid: string | null;
  caller_in_conference: boolean;
  on_hold: boolean;
  transfer: StoredTransfer | null;
  summary: string | null;
  disposition: CallControlState['disposition'];
  case_id: string | null;
  wrapped_up_at: Date | string | null;
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
    abandoned: row.abandoned,
    agentLegSid: row.agent_leg_sid,
    conferenceName: row.conference_name,
    conferenceSid: row.conference_sid,
    callerInConference: row.caller_in_conference,
    onHold: row.on_hold,
    transfer: row.transfer,
    summary: row.summary,
    disposition: row.disposition,
    caseId: row.case_id,
    wrappedUpAt: toIso(row.wrapped_up_at),
  };
}

export async function findCall(store: Store, callSid: string, forUpdate = false): Promise<CallRecord | null> {
  const [row] = await store.query<CallRow>(`SELECT * FROM calls WHERE call_sid = $1${forUpdate ? ' FOR UPDATE' : ''}`, [callSid]);
  return row ? callFromRow(row) : null;
}

export async function findCallById(store: Store, id: string, forUpdate = false): Promise<CallRecord | null> {
  const [row] = await store.query<CallRow>(`SELECT * FROM calls WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row ? callFromRow(row) : null;
}

/** Sets columns of one call by name (trusted names only) and returns the row after it. */
export async function updateCall(tx: Store, id: string, columns: Record<string, unknown>): Promise<CallRecord> {
  const names = Object.keys(columns);
  const assignments = names.map((name, index) => `${name} = $${index + 2}${name === 'transfer' ? '::jsonb' : ''}`);
  const values = names.map((name) => (name === 'transfer' && columns[name] !== null ? JSON.stringify(columns[name]) : columns[name]));
  const [row] = await tx.query<CallRow>(`UPDATE calls SET ${assignments.join(', ')} WHERE id = $1 RETURNING *`, [id, ...values]);
  return callFromRow(row as CallRow);
}

export async function insertCall(
  tx: Store,
  call: { id: string; callSid: string; from: string; to: string; queue: QueueName; is911Transfer: boolean; twilioStatus: string | null },
): Promise<CallRecord> {
  const [row] = await tx.query<CallRow>(
    `INSERT INTO calls (id, call_sid, from_number, to_number, queue, is_911_transfer, status, twilio_status, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, now()) RETURNING *`,
    [call.id, call.callSid, call.from, call.to, call.queue, call.is911Transfer, call.twilioStatus],
  );
  return callFromRow(row as CallRow);
}

export async function addTimeline(tx: Store, callId: string, kind: CallTimelineKind, agentId: string | null, detail: string | null = null): Promise<void> {
  await tx.query('INSERT INTO call_timeline (call_id, kind, agent_id, detail) VALUES ($1, $2, $3, $4)', [callId, kind, agentId, detail]);
}

export async function readTimeline(store: Store, callId: string): Promise<CallTimelineEvent[]> {
  const rows = await store.query<{ at: Date | string; kind: CallTimelineKind; agent_id: string | null; detail: string | null }>(
    'SELECT at, kind, agent_id, detail FROM call_timeline WHERE call_id = $1 ORDER BY id',
    [callId],
  );
  return rows.map((row) => ({ at: requireIso(row.at), kind: row.kind, agentId: row.agent_id, detail: row.detail }));
}

/** Records that the call now rings `agentId`. */
export async function openOffer(tx: Store, callId: string, agentId: string): Promise<void> {
  await tx.query('INSERT INTO call_offers (call_id, agent_id) VALUES ($1, $2)', [callId, agentId]);
  await tx.query(
    `UPDATE calls SET status = 'ringing', agent_id = $2, offer_count = offer_count + 1, offered_at = COALESCE(offered_at, now()) WHERE id = $1`,
    [callId, agentId],
  );
  await addTimeline(tx, callId, 'offered', agentId);
}

/** Closes the call's open offer (if any) with an outcome; returns the agent it was for. */
export async function closeOffer(tx: Store, callId: string, outcome: 'answered' | 'declined' | 'missed' | 'cancelled'): Promise<string | null> {
  const [row] = await tx.query<{ agent_id: string }>(
    `UPDATE call_offers SET outcome = $2, ended_at = now()
     WHERE id = (SELECT id FROM call_offers WHERE call_id = $1 AND outcome IS NULL ORDER BY id DESC LIMIT 1)
     RETURNING agent_id`,
    [callId, outcome],
  );
  return row?.agent_id ?? null;
}

/** Agents something is ringing for right now: the router offers them nothing else meanwhile. */
export async function reservedAgentIds(tx: Store): Promise<Set<string>> {
  const rows = await tx.query<{ agent_id: string }>(
    'SELECT DISTINCT o.agent_id FROM call_offers o JOIN calls c ON c.id = o.call_id WHERE o.outcome IS NULL AND c.ended_at IS NULL',
  );
  return new Set(rows.map((row) => row.agent_id));
}

/**
 * Agents who declined or let this call ring out and have not changed state since: offering it
 * to them again at once would only ring the same refusal. Once they change state, they may.
 */
export async function refusedBy(tx: Store, callId: string): Promise<string[]> {
  const rows = await tx.query<{ agent_id: string }>(
    `SELECT DISTINCT o.agent_id FROM call_offers o JOIN agents a ON a.id = o.agent_id
     WHERE o.call_id = $1 AND o.outcome IN ('declined', 'missed') AND o.ended_at >= a.state_since`,
    [callId],
  );
  return rows.map((row) => row.agent_id);
}

/** Callers waiting in a queue, locked, with who refused each. */
export async function lockWaitingCalls(tx: Store): Promise<WaitingCall[]> {
  const rows = await tx.query<{ id: string; queue: QueueName; is_911_transfer: boolean; received_at: Date | string; priority: 'normal' | 'high'; refused: string[] | null }>(
    `SELECT c.id, c.queue, c.is_911_transfer, c.received_at, c.priority,
       (SELECT array_agg(DISTINCT o.agent_id) FROM call_offers o JOIN agents a ON a.id = o.agent_id
        WHERE o.call_id = c.id AND o.outcome IN ('declined', 'missed') AND o.ended_at >= a.state_since) AS refused
     FROM calls c WHERE c.status = 'queued' ORDER BY c.is_911_transfer DESC, c.received_at, c.id FOR UPDATE OF c`,
  );
  return rows.map((row) => ({
    id: row.id,
    queue: row.queue,
    is911Transfer: row.is_911_transfer,
    receivedAt: requireIso(row.received_at),
    refusedBy: row.refused ?? [],
    priority: row.priority,
  }));
}

/** 1-based place in the caller's queue (911 transfers, raised priority and longer waits ahead), or null when not waiting. */
export async function queuePosition(store: Store, callSid: string): Promise<number | null> {
  const [row] = await store.query<{ position: number | null }>(
    `SELECT (SELECT count(*)::int FROM calls o
             WHERE o.status = 'queued' AND o.queue = c.queue
               AND (o.is_911_transfer, o.priority = 'high', -extract(epoch FROM o.received_at))
                   >= (c.is_911_transfer, c.priority = 'high', -extract(epoch FROM c.received_at))) AS position
     FROM calls c WHERE c.call_sid = $1 AND c.status = 'queued'`,
    [callSid],
  );
  return row?.position ?? null;
}

/** wrap_up: the call is over for the agent who held it last, who has not yet recorded how it ended. */
export function callPhase(call: CallRecord): CallPhase {
  if (call.status !== 'ended') return call.status;
  return call.answeredAt !== null && call.agentId !== null && call.wrappedUpAt === null ? 'wrap_up' : 'ended';
}

/** What the desktop shows of a call. */
export async function callControlState(store: Store, call: CallRecord): Promise<CallControlState> {
  const transfer: Transfer | null = call.transfer
    ? {
        mode: call.transfer.mode,
        target: call.transfer.target,
        targetName: call.transfer.targetName,
        status: call.transfer.status,
        startedAt: call.transfer.startedAt,
        failure: call.transfer.failure,
      }
    : null;
  return {
    callId: call.id,
    callSid: call.callSid,
    from: call.fromNumber,
    queue: call.queue,
    is911Transfer: call.is911Transfer,
    phase: callPhase(call),
    agentId: call.agentId,
    onHold: call.onHold,
    transfer,
    disposition: call.disposition,
    caseId: call.caseId,
    timeline: await readTimeline(store, call.id),
  };
}

/** Agents who should hear about a change of this call: its holder and whoever it rang or passed through. */
export async function agentsOfCall(store: Store, call: CallRecord): Promise<string[]> {
  const rows = await store.query<{ agent_id: string }>(
    'SELECT DISTINCT agent_id FROM call_timeline WHERE call_id = $1 AND agent_id IS NOT NULL',
    [call.id],
  );
  const ids = new Set(rows.map((row) => row.agent_id));
  if (call.agentId) ids.add(call.agentId);
  if (call.transfer?.transferredBy) ids.add(call.transfer.transferredBy);
  return [...ids];
}

export async function recordCallEvent(
  store: Store,
  callSid: string,
  status: string | null,
  params: Record<string, unknown>,
  sequence: number | null = null,
  applied = true,
): Promise<void> {
  await store.query('INSERT INTO call_events (call_sid, status, params, sequence, applied) VALUES ($1, $2, $3::jsonb, $4, $5)', [
    callSid, status, JSON.stringify(params), sequence, applied,
  ]);
}

/**
 * Twilio numbers each leg's callbacks (SequenceNumber): one already applied, or older than one
 * applied, is a repeat or arrived late, and must not move the call backwards.
 */
export async function isStaleCallback(tx: Store, legSid: string, sequence: number | null): Promise<boolean> {
  if (sequence === null) return false;
  const [row] = await tx.query<{ latest: number | null }>(
    'SELECT max(sequence) AS latest FROM call_events WHERE call_sid = $1 AND sequence IS NOT NULL AND applied',
    [legSid],
  );
  return row?.latest !== null && row?.latest !== undefined && sequence <= row.latest;
}
