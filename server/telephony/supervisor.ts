// What a team lead does to the floor: move an agent's state or skills, listen to, coach or barge
// into a live call through its conference, and reprioritize or assign a waiting call. Each step
// runs in the caller's transaction (agents locked first, as the router does), appends who did it
// to the audit log, and leaves Twilio requests and live events to the CallCenter's effects.
import type { Agent, AgentState } from '../../shared/domain/agent.js';
import {
  MONITOR_AUDIT_ACTION, type CallPriority, type MonitorMode, type MonitorSession, type SupervisorAuditAction,
} from '../../shared/supervisor-api.js';
import { appendAudit } from '../audit/audit-log.js';
import { HttpFailure } from '../http/errors.js';
import { AgentStateConflict, chooseAgentStateIn, lockAgentsForRouting, setAgentSkills } from '../store/agents.js';
import type { Store } from '../store/store.js';
import { ensureConference, type CallControlSettings } from './call-control.js';
import { dialTwiml, type Effects, type VoiceAction } from './call-lifecycle.js';
import { findCallById, openOffer, reservedAgentIds, type CallRecord } from './call-records.js';
import { QUEUE_SKILL } from './router.js';
import type { UpdateParticipantOptions } from './voice-api.js';

/** Where the simulated or real Twilio reports the team lead's leg. */
export const MONITOR_STATUS_PATH = '/twilio/monitor';

/** The signed-in team lead or admin acting. */
export interface Supervisor {
  id: string;
  displayName: string;
}

export interface SupervisorAuditEntry {
  actor: Supervisor;
  action: SupervisorAuditAction;
  object: { type: 'agent' | 'call'; id: string };
  details: Record<string, string | null | string[]>;
}

/**
 * Appends the action to the audit log in the same transaction as its effect (and last, as the
 * log asks), so an action that rolled back leaves no trace and one that committed always has one.
 */
async function audit(tx: Store, entry: SupervisorAuditEntry): Promise<void> {
  await appendAudit(tx, {
    agentId: entry.actor.id,
    action: entry.action,
    objectType: entry.object.type,
    objectId: entry.object.id,
    details: entry.details,
  });
}

/** Moves another agent as the state machine allows (never off a live call); the reason names the lead. */
export async function setAgentStateBySupervisor(
  tx: Store, actor: Supervisor, agentId: string, state: AgentState, reason: string | null, effects: Effects,
): Promise<Agent> {
  const before = (await lockAgentsForRouting(tx)).find((candidate) => candidate.id === agentId);
  if (!before) throw new HttpFailure(404, 'NOT_FOUND', `no agent ${agentId}`);
  let agent: Agent | null;
  try {
    agent = await chooseAgentStateIn(tx, agentId, state, reason, actor.displayName);
  } catch (error) {
    if (error instanceof AgentStateConflict) throw new HttpFailure(409, 'STATE_CONFLICT', error.message);
    throw error;
  }
  if (!agent) throw new HttpFailure(404, 'NOT_FOUND', `no agent ${agentId}`);
  // Published like the agent's own change: their desktop and every wallboard hear it, and an
  // agent made available is offered the best waiting caller at once.
  effects.agent(agent);
  await audit(tx, { actor, action: 'supervisor.state_change', object: { type: 'agent', id: agentId }, details: { from: before.state, to: agent.state, reason } });
  return agent;
}

/** New skills count from the next offer: the change is published, and an available agent is offered waiting calls. */
export async function setAgentSkillsBySupervisor(tx: Store, actor: Supervisor, agentId: string, skills: readonly string[], effects: Effects): Promise<Agent> {
  const agents = await lockAgentsForRouting(tx);
  const before = agents.find((agent) => agent.id === agentId);
  const agent = before ? await setAgentSkills(tx, agentId, skills) : null;
  if (!before || !agent) throw new HttpFailure(404, 'NOT_FOUND', `no agent ${agentId}`);
  effects.agent(agent);
  await audit(tx, { actor, action: 'supervisor.skills_change', object: { type: 'agent', id: agentId }, details: { from: before.skills, to: agent.skills } });
  return agent;
}

async function lockedCall(tx: Store, callId: string): Promise<CallRecord> {
  const call = await findCallById(tx, callId, true);
  if (!call) throw new HttpFailure(404, 'CALL_NOT_FOUND', `no call ${callId}`);
  return call;
}

/** A waiting call (queued, or ringing an agent and back in the queue if they do not answer) gets its priority. */
export async function setCallPriority(tx: Store, actor: Supervisor, callId: string, priority: CallPriority): Promise<void> {
  await lockAgentsForRouting(tx);
  const call = await lockedCall(tx, callId);
  if (call.status !== 'queued' && call.status !== 'ringing') {
    throw new HttpFailure(409, 'STATE_CONFLICT', `call ${callId} is ${call.status}, not waiting`);
  }
  const [previous] = await tx.query<{ priority: CallPriority }>('SELECT priority FROM calls WHERE id = $1', [callId]);
  await tx.query('UPDATE calls SET priority = $2 WHERE id = $1', [callId, priority]);
  await audit(tx, { actor, action: 'supervisor.reprioritize', object: { type: 'call', id: callId }, details: { from: previous?.priority ?? 'normal', to: priority } });
}

/** Rings `agentId` with this waiting call now, ahead of the router's own choice; 409 unless they could take it. */
export async function assignWaitingCall(
  tx: Store, actor: Supervisor, callId: string, agentId: string, settings: CallControlSettings, effects: Effects,
): Promise<void> {
  const agents = await lockAgentsForRouting(tx);
  const call = await lockedCall(tx, callId);
  if (call.status !== 'queued') throw new HttpFailure(409, 'STATE_CONFLICT', `call ${callId} is ${call.status}, not waiting in a queue`);
  const agent = agents.find((candidate) => candidate.id === agentId);
  if (!agent) throw new HttpFailure(404, 'NOT_FOUND', `no agent ${agentId}`);
  const ringing = (await reservedAgentIds(tx)).has(agentId);
  if (agent.state !== 'available' || ringing || !agent.skills.includes(QUEUE_SKILL[call.queue])) {
    const why = agent.state !== 'available' ? `is ${agent.state}` : ringing ? 'has a call ringing' : `lacks the ${QUEUE_SKILL[call.queue]} skill`;
    throw new HttpFailure(409, 'AGENT_UNAVAILABLE', `${agent.displayName} cannot take this call now: ${why}`);
  }
  // The same path as the router's own offers: reserved here, the caller redirected after commit
  // (and the offer withdrawn if that fails).
  await openOffer(tx, call.id, agentId);
  effects.callIds.add(call.id);
  effects.redirects.push({ callId: call.id, callSid: call.callSid, agentId, twiml: dialTwiml(call, agentId, settings) });
  await audit(tx, { actor, action: 'supervisor.assign', object: { type: 'call', id: callId }, details: { agentId } });
}

interface MonitorRow {
  id: string;
  mode: MonitorMode;
  leg_sid: string | null;
}

async function activeMonitor(tx: Store, callId: string, supervisorId: string): Promise<MonitorRow | null> {
  const [row] = await tx.query<MonitorRow>(
    'SELECT id::text AS id, mode, leg_sid FROM supervisor_monitors WHERE call_id = $1 AND supervisor_id = $2 AND ended_at IS NULL',
    [callId, supervisorId],
  );
  return row ?? null;
}

/** How the lead's participant is set for each mode: heard by nobody, by the agent only, by everyone. */
export function participantMode(mode: MonitorMode, agentLegSid: string): Pick<UpdateParticipantOptions, 'muted' | 'coaching' | 'callSidToCoach'> {
  if (mode === 'listen') return { muted: true, coaching: false };
  if (mode === 'coach') return { muted: false, coaching: true, callSidToCoach: agentLegSid };
  return { muted: false, coaching: false };
}

/** Marks when any of `actions` fails with Twilio; they run in order, so a later action can check. */
function watchFailures(actions: VoiceAction[]): { failed: boolean } {
  const outcome = { failed: false };
  for (const action of actions) {
    const run = action.run;
    action.run = async (api) => {
      try {
        await run(api);
      } catch (error) {
        outcome.failed = true;
        throw error;
      }
    };
  }
  return outcome;
}

/** What the route needs after commit: the session, and the lead's leg once Twilio has made it. */
export interface MonitorStart {
  session: MonitorSession;
  /** Filled in when Twilio answered the participant request (after the transaction). */
  leg: { sid: string | null; monitorId: string | null };
}

/**
 * Seats the lead in the call's conference (promoting the call to it first, as hold does), or
 * switches the seat they already have to another mode.
 */
export async function startMonitor(
  tx: Store, actor: Supervisor, callId: string, mode: MonitorMode, settings: CallControlSettings, effects: Effects,
): Promise<MonitorStart> {
  await lockAgentsForRouting(tx);
  let call = await lockedCall(tx, callId);
  const agentLeg = call.agentLegSid;
  if (call.status !== 'answered' || !call.agentId || !agentLeg) {
    throw new HttpFailure(409, 'STATE_CONFLICT', `call ${callId} is ${call.status}, not live with an agent`);
  }
  if (call.agentId === actor.id) throw new HttpFailure(409, 'STATE_CONFLICT', 'you hold this call yourself');
  const leg: MonitorStart['leg'] = { sid: null, monitorId: null };
  const active = await activeMonitor(tx, callId, actor.id);
  if (active) {
    leg.sid = active.leg_sid;
    if (active.mode !== mode) {
      const { conferenceSid } = call;
      const legSid = active.leg_sid;
      if (!conferenceSid || !legSid) throw new HttpFailure(409, 'STATE_CONFLICT', 'your line into this call is still connecting; try again in a moment');
      const previous = active.mode;
      effects.voice.push({
        what: `switch the team lead to ${mode}`,
        run: (api) => api.updateParticipant(conferenceSid, legSid, participantMode(mode, agentLeg)),
        undo: async (undoTx) => {
          await undoTx.query('UPDATE supervisor_monitors SET mode = $2 WHERE id = $1 AND ended_at IS NULL', [active.id, previous]);
        },
      });
      await tx.query('UPDATE supervisor_monitors SET mode = $2 WHERE id = $1', [active.id, mode]);
    }
  } else {
    const promotion = effects.voice.length;
    call = await ensureConference(tx, call, settings, effects);
    const moved = watchFailures(effects.voice.slice(promotion));
    const [row] = await tx.query<{ id: string }>(
      'INSERT INTO supervisor_monitors (call_id, supervisor_id, mode) VALUES ($1, $2, $3) RETURNING id::text AS id',
      [callId, actor.id, mode],
    );
    const monitorId = (row as { id: string }).id;
    leg.monitorId = monitorId;
    const query = new URLSearchParams({ callId, supervisorId: actor.id });
    const target = call;
    effects.voice.push({
      what: 'ring the team lead into the call',
      run: async (api) => {
        // Ringing the lead into a conference the call never reached would leave them alone there.
        if (moved.failed) throw new Error('the call could not be moved into its conference');
        const created = await api.addParticipant(target.id, {
          from: target.fromNumber,
          to: `client:${actor.id}`,
          label: `monitor-${actor.id}`,
          timeoutSeconds: settings.ringTimeoutSeconds,
          statusCallback: `${settings.publicUrl()}${MONITOR_STATUS_PATH}?${query.toString()}`,
          statusCallbackEvent: ['answered', 'completed'],
          // A lead listening in never starts or ends the conversation.
          startConferenceOnEnter: false,
          endConferenceOnExit: false,
          ...participantMode(mode, agentLeg),
          clientParameters: { callId, queue: target.queue, is911Transfer: String(target.is911Transfer), monitorMode: mode },
        });
        leg.sid = created.callSid;
      },
      undo: async (undoTx) => {
        await undoTx.query('UPDATE supervisor_monitors SET ended_at = now() WHERE id = $1 AND ended_at IS NULL', [monitorId]);
      },
    });
  }
  await audit(tx, { actor, action: MONITOR_AUDIT_ACTION[mode], object: { type: 'call', id: callId }, details: { agentId: call.agentId } });
  return { session: { callId, supervisorId: actor.id, mode, legSid: leg.sid }, leg };
}

/** Keeps the lead's leg sid Twilio answered with (the status callback may already have set it). */
export async function recordMonitorLeg(store: Store, monitorId: string, legSid: string): Promise<void> {
  await store.query('UPDATE supervisor_monitors SET leg_sid = COALESCE(leg_sid, $2) WHERE id = $1', [monitorId, legSid]);
}

/** The lead leaves: their leg is taken out of the conference (and hung up). */
export async function stopMonitor(tx: Store, actor: Supervisor, callId: string, effects: Effects): Promise<MonitorSession> {
  await lockAgentsForRouting(tx);
  const call = await lockedCall(tx, callId);
  const active = await activeMonitor(tx, callId, actor.id);
  if (!active) throw new HttpFailure(404, 'NOT_FOUND', `you are not listening to call ${callId}`);
  const legSid = active.leg_sid;
  if (!legSid) throw new HttpFailure(409, 'STATE_CONFLICT', 'your line into this call is still connecting; try again in a moment');
  const { conferenceSid } = call;
  effects.voice.push(
    conferenceSid
      ? { what: 'take the team lead out of the call', run: (api) => api.removeParticipant(conferenceSid, legSid) }
      : { what: 'hang up the team lead', run: (api) => api.endCall(legSid) },
  );
  await tx.query('UPDATE supervisor_monitors SET ended_at = now() WHERE id = $1', [active.id]);
  await audit(tx, { actor, action: 'supervisor.monitor_end', object: { type: 'call', id: callId }, details: { mode: active.mode } });
  return { callId, supervisorId: actor.id, mode: null, legSid };
}

const ENDED_LEG_STATUSES = new Set(['completed', 'busy', 'no-answer', 'canceled', 'failed']);

/** Status callbacks of the lead's leg: learn its sid when answered, close the seat when it ends. */
export async function applyMonitorStatus(store: Store, callId: string, supervisorId: string, params: Record<string, unknown>): Promise<void> {
  const legSid = String(params.CallSid ?? '');
  const status = String(params.CallStatus ?? '');
  if (!legSid) return;
  await store.query(
    `UPDATE supervisor_monitors SET leg_sid = COALESCE(leg_sid, $3),
       ended_at = CASE WHEN $4 THEN COALESCE(ended_at, now()) ELSE ended_at END
     WHERE id = (SELECT id FROM supervisor_monitors WHERE call_id = $1 AND supervisor_id = $2 AND (leg_sid = $3 OR leg_sid IS NULL)
                 ORDER BY ended_at IS NULL DESC, id DESC LIMIT 1)`,
    [callId, supervisorId, legSid, ENDED_LEG_STATUSES.has(status)],
  );
}
