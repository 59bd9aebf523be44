// Hold, warm and cold transfer, and wrap-up of a live call, plus the conference and participant
// callbacks that tell how they went. A call is promoted to a conference named after its id on its
// first hold or transfer: the agent's leg is redirected into it, and the caller's <Dial> result
// sends the caller after it. Each function runs in one transaction; Twilio is asked after commit.
import type { DepartmentLine, Disposition, TransferMode, TransferTarget } from '../../shared/call-control.js';
import { HttpFailure } from '../http/errors.js';
import { applyAgentEventIn, getAgent, lockAgentsForRouting } from '../store/agents.js';
import type { Store } from '../store/store.js';
import type { Effects, TelephonySettings } from './call-lifecycle.js';
import { addTimeline, closeOffer, findCallById, reservedAgentIds, updateCall, type CallRecord, type StoredTransfer } from './call-records.js';
import { QUEUE_SKILL } from './router.js';
import { conferenceTwiml, PARTICIPANT_STATUS_PATH } from './twiml.js';

export interface CallControlSettings extends TelephonySettings {
  departmentLines: readonly DepartmentLine[];
  emergencyTransferNumber: string;
  mainNumber: string;
  /** Absolute base of our webhooks, for participant status callbacks. */
  publicUrl: () => string;
}

/** The call, locked, if `agentId` holds it (or handed it on and still has to wrap it up). */
async function callOfAgent(tx: Store, callId: string, agentId: string, purpose: 'control' | 'view', lock = true): Promise<CallRecord> {
  if (lock) await lockAgentsForRouting(tx);
  const call = await findCallById(tx, callId, lock);
  if (!call) throw new HttpFailure(404, 'CALL_NOT_FOUND', `no call ${callId}`);
  const holds = call.agentId === agentId;
  const handedOn = call.transfer?.transferredBy === agentId;
  if (!holds && !(purpose === 'view' && handedOn)) throw new HttpFailure(403, 'CALL_NOT_YOURS', `call ${callId} is not held by ${agentId}`);
  if (purpose === 'control' && call.status !== 'answered') {
    throw new HttpFailure(409, 'STATE_CONFLICT', `call ${callId} is ${call.status}, not answered`);
  }
  return call;
}

/** A read: no locks taken. */
export async function viewableCall(store: Store, callId: string, agentId: string): Promise<CallRecord> {
  return callOfAgent(store, callId, agentId, 'view', false);
}

/** Redirects the agent's leg into the conference the first time; the caller follows via the <Dial> result. */
export async function ensureConference(tx: Store, call: CallRecord, settings: CallControlSettings, effects: Effects): Promise<CallRecord> {
  if (call.conferenceName) return call;
  const agentLeg = call.agentLegSid;
  if (!agentLeg) throw new HttpFailure(409, 'STATE_CONFLICT', `call ${call.id} has no agent leg to move into a conference`);
  const twiml = conferenceTwiml({ name: call.id, endConferenceOnExit: false, holdMusicUrl: settings.holdMusicUrl });
  effects.voice.push({
    what: 'move the agent into the call conference',
    run: (api) => api.redirectCall(agentLeg, twiml),
    // The agent's leg never left the <Dial>: the call is not in a conference, nor on hold.
    undo: async (undoTx, undoEffects) => {
      await lockAgentsForRouting(undoTx);
      await undoTx.query(
        'UPDATE calls SET conference_name = NULL, on_hold = false, hold_started_at = NULL WHERE id = $1 AND caller_in_conference = false',
        [call.id],
      );
      undoEffects.callIds.add(call.id);
    },
  });
  return updateCall(tx, call.id, { conference_name: call.id });
}

/** Puts the caller's leg on hold or takes it off, now if it is in the conference, else when it joins. */
function holdCaller(call: CallRecord, onHold: boolean, settings: CallControlSettings, effects: Effects): void {
  if (!call.conferenceSid || !call.callerInConference) return;
  const { conferenceSid, callSid } = call;
  effects.voice.push({
    what: onHold ? 'hold the caller' : 'take the caller off hold',
    run: (api) => api.updateParticipant(conferenceSid, callSid, onHold ? { hold: true, holdUrl: settings.holdMusicUrl } : { hold: false }),
    // The caller's hold is what Twilio last did, not what was asked.
    undo: async (undoTx, undoEffects) => {
      await lockAgentsForRouting(undoTx);
      await undoTx.query(
        `UPDATE calls SET on_hold = $2, hold_started_at = CASE WHEN $2 THEN now() ELSE NULL END WHERE id = $1 AND status = 'answered'`,
        [call.id, !onHold],
      );
      undoEffects.callIds.add(call.id);
    },
  });
}

async function setHold(tx: Store, call: CallRecord, onHold: boolean, settings: CallControlSettings, effects: Effects, agentId: string | null): Promise<CallRecord> {
  if (call.onHold === onHold) return call;
  holdCaller(call, onHold, settings, effects);
  await tx.query(
    `UPDATE calls SET on_hold = $2,
       hold_seconds = hold_seconds + CASE WHEN NOT $2 AND hold_started_at IS NOT NULL
         THEN GREATEST(0, round(extract(epoch FROM now() - hold_started_at)))::int ELSE 0 END,
       hold_started_at = CASE WHEN $2 THEN now() ELSE NULL END
     WHERE id = $1`,
    [call.id, onHold],
  );
  await addTimeline(tx, call.id, onHold ? 'hold' : 'resume', agentId);
  effects.callIds.add(call.id);
  return (await findCallById(tx, call.id)) as CallRecord;
}

export async function holdCall(tx: Store, callId: string, agentId: string, onHold: boolean, settings: CallControlSettings, effects: Effects): Promise<void> {
  let call = await callOfAgent(tx, callId, agentId, 'control');
  if (call.transfer && (call.transfer.status === 'dialing' || call.transfer.status === 'consulting') && !onHold) {
    throw new HttpFailure(409, 'STATE_CONFLICT', 'complete or cancel the transfer first');
  }
  if (onHold) call = await ensureConference(tx, call, settings, effects);
  await setHold(tx, call, onHold, settings, effects, agentId);
}

interface ResolvedTarget {
  to: string;
  from: string;
  name: string;
  agentId: string | null;
}

async function resolveTarget(tx: Store, call: CallRecord, agentId: string, target: TransferTarget, settings: CallControlSettings): Promise<ResolvedTarget> {
  if (target.kind === 'emergency_911') return { to: settings.emergencyTransferNumber, from: settings.mainNumber, name: '911 center', agentId: null };
  if (target.kind === 'department') {
    const line = settings.departmentLines.find((candidate) => candidate.code === target.code);
    if (!line) throw new HttpFailure(404, 'NOT_FOUND', `no department line ${target.code}`);
    return { to: line.phone, from: settings.mainNumber, name: line.name, agentId: null };
  }
  if (target.agentId === agentId) throw new HttpFailure(409, 'STATE_CONFLICT', 'a call cannot be transferred to the agent who holds it');
  const other = await getAgent(tx, target.agentId);
  if (!other) throw new HttpFailure(404, 'NOT_FOUND', `no agent ${target.agentId}`);
  const busy = (await reservedAgentIds(tx)).has(other.id);
  if (other.state !== 'available' || busy || !other.skills.includes(QUEUE_SKILL[call.queue])) {
    throw new HttpFailure(409, 'AGENT_UNAVAILABLE', `${other.displayName} cannot take this call now`);
  }
  return { to: `client:${other.id}`, from: call.fromNumber, name: other.displayName, agentId: other.id };
}

export async function startTransfer(
  tx: Store,
  callId: string,
  agentId: string,
  request: { mode: TransferMode; target: TransferTarget; summary: string | null },
  settings: CallControlSettings,
  effects: Effects,
): Promise<void> {
  let call = await callOfAgent(tx, callId, agentId, 'control');
  if (call.transfer && (call.transfer.status === 'dialing' || call.transfer.status === 'consulting')) {
    throw new HttpFailure(409, 'STATE_CONFLICT', 'a transfer is already in progress');
  }
  const target = await resolveTarget(tx, call, agentId, request.target, settings);
  call = await ensureConference(tx, call, settings, effects);
  // The caller waits on hold while the target rings (and, warm, while the agent consults).
  call = await setHold(tx, call, true, settings, effects, agentId);
  const transfer: StoredTransfer = {
    mode: request.mode,
    target: request.target,
    targetName: target.name,
    status: 'dialing',
    startedAt: new Date().toISOString(),
    failure: null,
    transferredBy: agentId,
    callSid: null,
  };
  await updateCall(tx, call.id, { transfer, summary: request.summary ?? call.summary });
  if (target.agentId) {
    // Reserved like any offer, so the router does not ring them with a queued caller meanwhile.
    await tx.query('INSERT INTO call_offers (call_id, agent_id) VALUES ($1, $2)', [call.id, target.agentId]);
  }
  await addTimeline(tx, call.id, 'transfer_started', agentId, `${request.mode} to ${target.name}${request.summary ? `: ${request.summary}` : ''}`);
  effects.callIds.add(call.id);
  const conference = call.id;
  const statusCallback = `${settings.publicUrl()}${PARTICIPANT_STATUS_PATH}?callId=${call.id}`;
  const clientParameters = target.agentId
    ? { callId: call.id, queue: call.queue, is911Transfer: String(call.is911Transfer), transferredBy: agentId }
    : undefined;
  effects.voice.push({
    what: `ring the transfer target ${target.name}`,
    undo: async (undoTx, undoEffects) => {
      await lockAgentsForRouting(undoTx);
      const current = await findCallById(undoTx, conference, true);
      if (current?.transfer?.status === 'dialing') {
        await dropTransfer(undoTx, current, 'failed', 'Twilio could not ring the target', settings, undoEffects, false);
      }
    },
    run: async (api) => {
      await api.addParticipant(conference, {
        from: target.from,
        to: target.to,
        label: 'transfer',
        timeoutSeconds: settings.ringTimeoutSeconds,
        statusCallback,
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        startConferenceOnEnter: true,
        endConferenceOnExit: false,
        ...(clientParameters ? { clientParameters } : {}),
      });
    },
  });
}

/** The agent leaves; the target keeps the caller, who comes off hold. */
async function handOver(tx: Store, call: CallRecord, settings: CallControlSettings, effects: Effects): Promise<void> {
  const transfer = call.transfer as StoredTransfer;
  const leavingLeg = call.agentLegSid;
  const conferenceSid = call.conferenceSid;
  if (leavingLeg && conferenceSid) effects.voice.push({ what: 'take the agent out of the conference', run: (api) => api.removeParticipant(conferenceSid, leavingLeg) });
  const targetAgent = transfer.target.kind === 'agent' ? transfer.target.agentId : null;
  if (targetAgent) {
    await closeOffer(tx, call.id, 'answered');
    effects.agent(await applyAgentEventIn(tx, targetAgent, { kind: 'answered' }));
  }
  await updateCall(tx, call.id, {
    transfer: { ...transfer, status: 'completed' },
    agent_id: targetAgent,
    // The target's leg now stands for the agent's: when it hangs up, the call is over.
    agent_leg_sid: transfer.callSid,
  });
  await addTimeline(tx, call.id, 'transfer_completed', transfer.transferredBy, `to ${transfer.targetName}`);
  effects.agent(await applyAgentEventIn(tx, transfer.transferredBy, { kind: 'call_ended', wrapUpSeconds: settings.wrapUpSeconds }));
  await setHold(tx, (await findCallById(tx, call.id)) as CallRecord, false, settings, effects, null);
}

export async function completeTransfer(tx: Store, callId: string, agentId: string, settings: CallControlSettings, effects: Effects): Promise<void> {
  const call = await callOfAgent(tx, callId, agentId, 'control');
  if (call.transfer?.status !== 'consulting') throw new HttpFailure(409, 'STATE_CONFLICT', 'no answered transfer to complete');
  await handOver(tx, call, settings, effects);
}

/** Ends the transfer attempt: the target's leg is removed and the agent has the caller back. */
async function dropTransfer(tx: Store, call: CallRecord, outcome: 'cancelled' | 'failed', failure: string | null, settings: CallControlSettings, effects: Effects, removeTarget: boolean): Promise<void> {
  const transfer = call.transfer as StoredTransfer;
  if (removeTarget && transfer.callSid && call.conferenceSid) {
    const { conferenceSid } = call;
    const targetLeg = transfer.callSid;
    effects.voice.push({ what: 'remove the transfer target', run: (api) => api.removeParticipant(conferenceSid, targetLeg) });
  }
  if (transfer.target.kind === 'agent') await closeOffer(tx, call.id, outcome === 'cancelled' ? 'cancelled' : 'missed');
  await updateCall(tx, call.id, { transfer: { ...transfer, status: outcome, failure } });
  await addTimeline(tx, call.id, outcome === 'cancelled' ? 'transfer_cancelled' : 'transfer_failed', transfer.transferredBy, failure ?? `to ${transfer.targetName}`);
  await setHold(tx, (await findCallById(tx, call.id)) as CallRecord, false, settings, effects, null);
}

export async function cancelTransfer(tx: Store, callId: string, agentId: string, settings: CallControlSettings, effects: Effects): Promise<void> {
  const call = await callOfAgent(tx, callId, agentId, 'control');
  if (call.transfer?.status !== 'dialing' && call.transfer?.status !== 'consulting') {
    throw new HttpFailure(409, 'STATE_CONFLICT', 'no transfer in progress');
  }
  await dropTransfer(tx, call, 'cancelled', null, settings, effects, true);
}

/**
 * Records how the agent's part of the call ended and makes them available. The call's own
 * disposition belongs to the agent who held it last; one who handed it on records theirs on the
 * timeline only.
 */
export async function wrapUpCall(
  tx: Store,
  callId: string,
  agentId: string,
  wrapUp: { disposition: Disposition; caseId: string | null; note: string | null },
  effects: Effects,
): Promise<void> {
  const call = await callOfAgent(tx, callId, agentId, 'view');
  const handedOn = call.agentId !== agentId && call.transfer?.transferredBy === agentId && call.transfer.status === 'completed';
  if (call.status !== 'ended' && !handedOn) throw new HttpFailure(409, 'STATE_CONFLICT', 'the call is still live');
  const [already] = await tx.query("SELECT 1 FROM call_timeline WHERE call_id = $1 AND kind = 'wrapped_up' AND agent_id = $2", [call.id, agentId]);
  if (already) throw new HttpFailure(409, 'STATE_CONFLICT', 'the call is already wrapped up');
  if (!handedOn) {
    await tx.query(
      `UPDATE calls SET disposition = $2, case_id = $3, wrap_up_note = $4, wrapped_up_at = now(),
         wrap_up_seconds = GREATEST(0, round(extract(epoch FROM now() - COALESCE(ended_at, now()))))::int
       WHERE id = $1`,
      [call.id, wrapUp.disposition, wrapUp.caseId, wrapUp.note],
    );
  }
  await addTimeline(tx, call.id, 'wrapped_up', agentId, wrapUp.disposition);
  effects.callIds.add(call.id);
  effects.agent(await applyAgentEventIn(tx, agentId, { kind: 'wrapped_up' }));
}

/** Conference events: learn its sid, apply a hold asked for before the caller arrived, notice an agent leaving. */
export async function applyConferenceEvent(tx: Store, params: Record<string, unknown>, settings: CallControlSettings, effects: Effects): Promise<void> {
  await lockAgentsForRouting(tx);
  const name = String(params.FriendlyName ?? '');
  const conferenceSid = String(params.ConferenceSid ?? '');
  const event = String(params.StatusCallbackEvent ?? '');
  const legSid = String(params.CallSid ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(name)) return;
  let call = await findCallById(tx, name, true);
  if (!call || call.status === 'ended') return;
  if (conferenceSid && call.conferenceSid !== conferenceSid) call = await updateCall(tx, call.id, { conference_sid: conferenceSid });
  if (event === 'participant-join' && legSid === call.callSid && !call.callerInConference) {
    call = await updateCall(tx, call.id, { caller_in_conference: true });
    if (call.onHold) holdCaller(call, true, settings, effects);
    effects.callIds.add(call.id);
  }
}

/** Status callbacks of a transfer target's leg (a conference participant we created). */
export async function applyParticipantStatus(tx: Store, callId: string, params: Record<string, unknown>, settings: CallControlSettings, effects: Effects): Promise<void> {
  await lockAgentsForRouting(tx);
  let call = await findCallById(tx, callId, true);
  const transfer = call?.transfer;
  if (!call || !transfer || call.status === 'ended') return;
  const legSid = String(params.CallSid ?? '');
  const status = String(params.CallStatus ?? '');
  if (transfer.callSid && transfer.callSid !== legSid) return;
  if (!transfer.callSid) {
    call = await updateCall(tx, call.id, { transfer: { ...transfer, callSid: legSid } });
  }
  const current = call.transfer as StoredTransfer;
  if (status === 'in-progress' || status === 'answered') {
    if (current.status !== 'dialing') return;
    await updateCall(tx, call.id, { transfer: { ...current, status: 'consulting' } });
    await addTimeline(tx, call.id, 'transfer_answered', current.transferredBy, `${current.targetName} answered`);
    effects.callIds.add(call.id);
    // Cold: nothing to talk over; the agent leaves as soon as the target is there.
    if (current.mode === 'cold') await handOver(tx, (await findCallById(tx, call.id)) as CallRecord, settings, effects);
    return;
  }
  if (!['completed', 'busy', 'no-answer', 'canceled', 'failed'].includes(status)) return;
  effects.callIds.add(call.id);
  if (current.status === 'dialing') {
    await dropTransfer(tx, call, 'failed', status === 'completed' ? 'no answer' : status.replace('-', ' '), settings, effects, false);
  } else if (current.status === 'consulting') {
    await dropTransfer(tx, call, 'failed', `${current.targetName} hung up`, settings, effects, false);
  } else if (current.status === 'completed' && call.agentLegSid === legSid) {
    // The target who took the call hung up: the caller is not left alone in the conference.
    const callerSid = call.callSid;
    effects.voice.push({ what: 'end the caller after the target hung up', run: (api) => api.endCall(callerSid) });
  }
}

