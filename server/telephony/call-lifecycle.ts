// The life of a call as Twilio reports it: the voice webhook routes it, status callbacks and the
// <Dial> result move it (answered, declined, missed, abandoned, ended), and free agents are
// offered waiting callers. Each function runs inside one transaction that first locks the agents
// (always agents before calls), and lists what to do once it commits in `effects`.
import { v7 as uuidv7 } from 'uuid';
import type { Agent } from '../../shared/domain/agent.js';
import type { ServerConfig } from '../config.js';
import { applyAgentEventIn, lockAgentsForRouting, recordMissedOffer } from '../store/agents.js';
import type { Store } from '../store/store.js';
import {
  addTimeline, closeOffer, findCall, insertCall, isStaleCallback, lockWaitingCalls, openOffer, recordCallEvent, refusedBy,
  reservedAgentIds, updateCall, type CallRecord,
} from './call-records.js';
import { chooseAgent, classifyInboundCall, matchWaitingCalls } from './router.js';
import { conferenceTwiml, dialAgentTwiml, enqueueTwiml, hangupTwiml } from './twiml.js';
import type { VoiceApi } from './voice-api.js';

export type TelephonySettings = Pick<
  ServerConfig,
  'ringTimeoutSeconds' | 'wrapUpSeconds' | 'awayAfterMissedCalls' | 'holdMusicUrl' | 'transfer911Numbers'
>;

/** A request to Twilio after commit; `undo` puts the records back when Twilio refuses it. */
export interface VoiceAction {
  what: string;
  run: (api: VoiceApi) => Promise<void>;
  undo?: (tx: Store, effects: Effects) => Promise<void>;
}

/** What a committed transaction asks for: who to tell, what to ask Twilio, whether to offer waiting calls. */
export class Effects {
  readonly callIds = new Set<string>();
  readonly agents = new Map<string, Agent>();
  readonly voice: VoiceAction[] = [];
  /** Offers made in this transaction that still need the caller's leg redirected to the agent. */
  readonly redirects: Array<{ callId: string; callSid: string; agentId: string; twiml: string }> = [];
  offerWaiting = false;

  constructor(readonly settings: TelephonySettings) {}

  agent(agent: Agent | null): void {
    if (!agent) return;
    this.agents.set(agent.id, agent);
    if (agent.state === 'available') this.offerWaiting = true;
  }
}

const TERMINAL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'canceled', 'failed']);

function stringParam(params: Record<string, unknown>, name: string): string | null {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

function sequenceOf(params: Record<string, unknown>): number | null {
  const value = Number(stringParam(params, 'SequenceNumber') ?? NaN);
  return Number.isInteger(value) ? value : null;
}

/** When Twilio says it happened (the callback's Timestamp), else now: a late callback keeps its time. */
function eventTime(params: Record<string, unknown>): Date {
  const parsed = Date.parse(stringParam(params, 'Timestamp') ?? '');
  return Number.isNaN(parsed) ? new Date() : new Date(parsed);
}

export function dialTwiml(call: CallRecord, agentId: string, settings: TelephonySettings): string {
  return dialAgentTwiml({
    agentId,
    callId: call.id,
    queue: call.queue,
    is911Transfer: call.is911Transfer,
    receivedAt: call.receivedAt,
    ringTimeoutSeconds: settings.ringTimeoutSeconds,
  });
}

export interface InboundCall {
  callSid: string;
  from: string;
  to: string;
  params: Record<string, unknown>;
}

/**
 * Records a new call and answers where it goes. A webhook Twilio retries for the same CallSid
 * gets the decision made the first time instead of a second call row.
 */
export async function routeInboundCall(
  tx: Store,
  inbound: InboundCall,
  settings: TelephonySettings,
  effects: Effects,
): Promise<{ call: CallRecord; twiml: string; routedTo: string | null }> {
  const agents = await lockAgentsForRouting(tx);
  const existing = await findCall(tx, inbound.callSid, true);
  if (existing) {
    if (existing.status === 'ringing' && existing.agentId) {
      return { call: existing, twiml: dialTwiml(existing, existing.agentId, settings), routedTo: existing.agentId };
    }
    return { call: existing, twiml: existing.status === 'queued' ? enqueueTwiml(existing.queue) : hangupTwiml(), routedTo: null };
  }
  const { queue, is911Transfer } = classifyInboundCall({ ...inbound, transfer911Numbers: settings.transfer911Numbers });
  const created = await insertCall(tx, {
    id: uuidv7(),
    callSid: inbound.callSid,
    from: inbound.from,
    to: inbound.to,
    queue,
    is911Transfer,
    twilioStatus: stringParam(inbound.params, 'CallStatus'),
  });
  await addTimeline(tx, created.id, 'received', null, is911Transfer ? 'transferred by 911' : null);
  effects.callIds.add(created.id);
  const decision = chooseAgent(agents, queue, await reservedAgentIds(tx));
  if (decision.kind === 'dial') {
    await openOffer(tx, created.id, decision.agentId);
    const call = (await findCall(tx, inbound.callSid)) as CallRecord;
    return { call, twiml: dialTwiml(call, decision.agentId, settings), routedTo: decision.agentId };
  }
  await addTimeline(tx, created.id, 'queued', null, queue);
  return { call: created, twiml: enqueueTwiml(queue), routedTo: null };
}

/** The caller's leg is over: abandoned if nobody had answered, else ended with its durations. */
async function endCall(tx: Store, call: CallRecord, at: Date, twilioStatus: string | null, effects: Effects): Promise<void> {
  if (call.status === 'ended') return;
  effects.callIds.add(call.id);
  const atIso = at.toISOString();
  if (call.status === 'queued' || call.status === 'ringing') {
    if (call.status === 'ringing') await closeOffer(tx, call.id, 'cancelled');
    await tx.query(
      `UPDATE calls SET status = 'ended', abandoned = true, ended_at = $2::timestamptz, twilio_status = COALESCE($3, twilio_status),
         wait_seconds = GREATEST(0, round(extract(epoch FROM $2::timestamptz - received_at)))::int
       WHERE id = $1`,
      [call.id, atIso, twilioStatus],
    );
    await addTimeline(tx, call.id, 'abandoned', call.agentId, call.status === 'ringing' ? 'caller hung up while it rang' : 'caller hung up in queue');
    return;
  }
  await tx.query(
    `UPDATE calls SET status = 'ended', ended_at = GREATEST($2::timestamptz, answered_at), twilio_status = COALESCE($3, twilio_status),
       hold_seconds = hold_seconds + CASE WHEN on_hold AND hold_started_at IS NOT NULL
         THEN GREATEST(0, round(extract(epoch FROM $2::timestamptz - hold_started_at)))::int ELSE 0 END,
       on_hold = false, hold_started_at = NULL
     WHERE id = $1`,
    [call.id, atIso, twilioStatus],
  );
  await tx.query(
    `UPDATE calls SET talk_seconds = GREATEST(0, round(extract(epoch FROM ended_at - answered_at))::int - hold_seconds) WHERE id = $1`,
    [call.id],
  );
  await addTimeline(tx, call.id, 'ended', call.agentId);
  // Only the agent who still holds the call goes to wrap-up; one who handed it on already did.
  if (call.agentId) effects.agent(await applyAgentEventIn(tx, call.agentId, { kind: 'call_ended', wrapUpSeconds: effects.settings.wrapUpSeconds }));
  if (call.transfer && (call.transfer.status === 'dialing' || call.transfer.status === 'consulting') && call.transfer.callSid) {
    const target = call.transfer.callSid;
    effects.voice.push({ what: 'end the transfer leg of an ended call', run: (api) => api.endCall(target) });
  }
}

/** The agent picked up: the call is answered, the offer closed, the agent on a call. */
async function answerCall(tx: Store, call: CallRecord, legSid: string, at: Date, effects: Effects): Promise<void> {
  if (call.status !== 'ringing' || !call.agentId) return;
  await closeOffer(tx, call.id, 'answered');
  await tx.query(
    `UPDATE calls SET status = 'answered', answered_at = $2::timestamptz, agent_leg_sid = $3,
       wait_seconds = GREATEST(0, round(extract(epoch FROM $2::timestamptz - received_at)))::int
     WHERE id = $1`,
    [call.id, at.toISOString(), legSid],
  );
  await addTimeline(tx, call.id, 'answered', call.agentId);
  effects.callIds.add(call.id);
  effects.agent(await applyAgentEventIn(tx, call.agentId, { kind: 'answered' }));
}

/**
 * Applies a status callback. Callbacks of the agent's leg carry ParentCallSid (our call is the
 * parent); callbacks of the caller's own leg do not. Only the agent's leg answering means an
 * agent picked up: the caller's leg is also "in-progress" while it waits in a queue.
 */
export async function applyStatusCallback(tx: Store, params: Record<string, unknown>, effects: Effects): Promise<CallRecord | null> {
  await lockAgentsForRouting(tx);
  const legSid = String(params.CallSid ?? '');
  const parentSid = stringParam(params, 'ParentCallSid');
  const twilioStatus = String(params.CallStatus ?? '');
  const sequence = sequenceOf(params);
  const call = await findCall(tx, parentSid ?? legSid, true);
  const stale = await isStaleCallback(tx, legSid, sequence);
  await recordCallEvent(tx, legSid, twilioStatus || null, params, sequence, !stale);
  if (!call || stale) return call;
  const at = eventTime(params);

  if (parentSid === null) {
    if (TERMINAL_STATUSES.has(twilioStatus)) await endCall(tx, call, at, twilioStatus, effects);
    else if (call.status !== 'ended') await updateCall(tx, call.id, { twilio_status: twilioStatus });
    return findCall(tx, call.callSid);
  }

  if (twilioStatus === 'in-progress' || twilioStatus === 'answered') {
    await answerCall(tx, call, legSid, at, effects);
  } else if (TERMINAL_STATUSES.has(twilioStatus) && call.status === 'answered' && call.agentLegSid === legSid) {
    // The agent hung up. In a plain <Dial> the caller's leg follows through the <Dial> action;
    // in a conference the caller would be left alone with the hold music, so end their leg too.
    const transferring = call.transfer && (call.transfer.status === 'dialing' || call.transfer.status === 'consulting');
    if (!transferring) {
      if (call.conferenceName) {
        const callerSid = call.callSid;
        effects.voice.push({ what: 'end the caller after the agent left the conference', run: (api) => api.endCall(callerSid) });
      }
      await endCall(tx, call, at, null, effects);
    }
  }
  // A ringing leg that ends unanswered is settled by the <Dial> result, which says why.
  return findCall(tx, call.callSid);
}

/**
 * What the caller's leg does once its <Dial> is over: join the conference (the call is being
 * promoted for hold or transfer), hang up (the conversation is over), ring the next agent
 * (the last one declined or let it ring out), or wait in the queue.
 */
export async function applyDialResult(tx: Store, params: Record<string, unknown>, settings: TelephonySettings, effects: Effects): Promise<string> {
  await lockAgentsForRouting(tx);
  const callSid = String(params.CallSid ?? '');
  const dialStatus = stringParam(params, 'DialCallStatus');
  await recordCallEvent(tx, callSid, dialStatus ? `dial:${dialStatus}` : null, params);
  const call = await findCall(tx, callSid, true);
  const callerGone = params.CallStatus === 'completed' || params.CallStatus === 'canceled';
  if (!call || call.status === 'ended' || callerGone) return hangupTwiml();

  if (call.status === 'answered' && call.conferenceName && !call.callerInConference) {
    return conferenceTwiml({ name: call.conferenceName, endConferenceOnExit: true, holdMusicUrl: settings.holdMusicUrl });
  }
  if (dialStatus === 'completed' || dialStatus === 'answered' || call.status === 'answered') {
    await endCall(tx, call, new Date(), null, effects);
    return hangupTwiml();
  }
  if (call.status !== 'ringing') return enqueueTwiml(call.queue);

  // Declined (the softphone rejected: busy) or let ring out (no-answer, failed).
  const declined = dialStatus === 'busy' || dialStatus === 'canceled';
  const refusingAgent = await closeOffer(tx, call.id, declined ? 'declined' : 'missed');
  effects.callIds.add(call.id);
  if (refusingAgent) {
    await addTimeline(tx, call.id, declined ? 'declined' : 'missed', refusingAgent, declined ? `declined by ${refusingAgent}` : `no answer from ${refusingAgent}`);
    if (!declined) effects.agent(await recordMissedOffer(tx, refusingAgent, settings.awayAfterMissedCalls));
    // A decliner stays available and may take another waiting caller.
    effects.offerWaiting = true;
  }
  // Read again: the refusing agent may just have been set away.
  const agents = await lockAgentsForRouting(tx);
  const decision = chooseAgent(agents, call.queue, await reservedAgentIds(tx), new Set(await refusedBy(tx, call.id)));
  if (decision.kind === 'dial') {
    await openOffer(tx, call.id, decision.agentId);
    return dialTwiml(call, decision.agentId, settings);
  }
  await updateCall(tx, call.id, { status: 'queued', agent_id: null });
  await addTimeline(tx, call.id, 'queued', null, call.queue);
  return enqueueTwiml(call.queue);
}

/**
 * Offers waiting callers to free agents (911 transfers first, then the longest waiting, each to
 * the longest-idle eligible agent). The offers are reserved here; the caller's leg is redirected
 * to ring the agent once the transaction commits.
 */
export async function offerWaitingCalls(tx: Store, settings: TelephonySettings, effects: Effects): Promise<void> {
  const agents = await lockAgentsForRouting(tx);
  const waiting = await lockWaitingCalls(tx);
  if (waiting.length === 0) return;
  const offers = matchWaitingCalls(waiting, agents, await reservedAgentIds(tx));
  for (const offer of offers) {
    await openOffer(tx, offer.callId, offer.agentId);
    const [row] = await tx.query<{ call_sid: string }>('SELECT call_sid FROM calls WHERE id = $1', [offer.callId]);
    const call = (await findCall(tx, (row as { call_sid: string }).call_sid)) as CallRecord;
    effects.callIds.add(call.id);
    effects.redirects.push({ callId: call.id, callSid: call.callSid, agentId: offer.agentId, twiml: dialTwiml(call, offer.agentId, settings) });
  }
}

/** A redirect that failed (the caller already left, Twilio unreachable): the offer is withdrawn. */
export async function withdrawOffer(tx: Store, callId: string, agentId: string, effects: Effects): Promise<void> {
  await lockAgentsForRouting(tx);
  const [row] = await tx.query<{ call_sid: string }>('SELECT call_sid FROM calls WHERE id = $1', [callId]);
  const call = row ? await findCall(tx, row.call_sid, true) : null;
  if (!call || call.status !== 'ringing' || call.agentId !== agentId) return;
  await closeOffer(tx, callId, 'cancelled');
  await updateCall(tx, callId, { status: 'queued', agent_id: null });
  await addTimeline(tx, callId, 'queued', null, 'the offer could not reach the caller');
  effects.callIds.add(callId);
}

