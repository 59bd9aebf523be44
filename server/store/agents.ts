// Agents as stored: who can take which queue, and what state they are in.
import type { Agent, AgentState } from '../../shared/domain/agent.js';
import { applyAgentEvent, chooseAgentState, type AgentSystemEvent } from '../telephony/agent-states.js';
import { requireIso, type Store } from './store.js';

interface AgentRow {
  id: string;
  display_name: string;
  role: Agent['role'];
  skills: string[];
  state: AgentState;
  state_since: Date | string;
  state_reason: string | null;
  missed_calls: number;
}

export function agentFromRow(row: AgentRow): Agent {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    skills: row.skills,
    state: row.state,
    stateSince: requireIso(row.state_since),
    stateReason: row.state_reason,
  };
}

const AGENT_COLUMNS = 'id, display_name, role, skills, state, state_since, state_reason, missed_calls';

/** The demo roster; a directory of real staff replaces it with sign-in proper. */
export const DEMO_AGENTS: ReadonlyArray<Pick<Agent, 'id' | 'displayName' | 'role' | 'skills'>> = [
  { id: 'demo-calltaker', displayName: 'Jordan Reyes', role: 'call_taker', skills: ['general', 'triage'] },
  { id: 'demo-triage', displayName: 'Sam Okafor', role: 'triage_call_taker', skills: ['general', 'triage'] },
  { id: 'demo-lead', displayName: 'Alex Kim', role: 'team_lead', skills: [] },
  { id: 'demo-admin', displayName: 'Morgan Lee', role: 'admin', skills: [] },
];

export async function ensureDemoAgents(store: Store): Promise<void> {
  await store.query(
    `INSERT INTO agents (id, display_name, role, skills, state, state_since)
     SELECT a.id, a.display_name, a.role, a.skills, 'offline', now()
     FROM jsonb_to_recordset($1::jsonb) AS a(id text, display_name text, role text, skills text[])
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(DEMO_AGENTS.map((agent) => ({ id: agent.id, display_name: agent.displayName, role: agent.role, skills: agent.skills })))],
  );
}

/** Every agent, by id. */
export async function listAgents(store: Store): Promise<Agent[]> {
  const rows = await store.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY id`);
  return rows.map(agentFromRow);
}

export async function getAgent(store: Store, id: string): Promise<Agent | null> {
  const [row] = await store.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1`, [id]);
  return row ? agentFromRow(row) : null;
}

/** Refused moves of the state machine (answered with 409). */
export class AgentStateConflict extends Error {}

async function lockAgent(tx: Store, id: string): Promise<AgentRow | null> {
  const [row] = await tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1 FOR UPDATE`, [id]);
  return row ?? null;
}

/** Writes a state; `stateSince` moves only when the state itself changes. */
async function writeAgentState(tx: Store, id: string, state: AgentState, reason: string | null, missedCalls: number | null): Promise<Agent> {
  const [row] = await tx.query<AgentRow>(
    `UPDATE agents SET state = $2, state_reason = $3,
       state_since = CASE WHEN state = $2 THEN state_since ELSE now() END,
       missed_calls = COALESCE($4, missed_calls)
     WHERE id = $1 RETURNING ${AGENT_COLUMNS}`,
    [id, state, reason, missedCalls],
  );
  return agentFromRow(row as AgentRow);
}

/**
 * The agent's own choice (PUT /agents/me/state), or a team lead's for them (`setBy` names the
 * lead, and the reason says so). Null when the agent does not exist; throws AgentStateConflict
 * when the state machine refuses the move. Choosing resets the missed-call count.
 */
export async function chooseAgentStateIn(store: Store, id: string, requested: AgentState, reason: string | null, setBy: string | null = null): Promise<Agent | null> {
  return store.transaction(async (tx) => {
    const row = await lockAgent(tx, id);
    if (!row) return null;
    const choice = chooseAgentState(row.state, requested, reason);
    if (!choice.ok) throw new AgentStateConflict(choice.message);
    const written = setBy === null ? choice.reason : choice.reason ? `${choice.reason} (set by ${setBy})` : `set by ${setBy}`;
    return writeAgentState(tx, id, choice.state, written, 0);
  });
}

/** Replaces the agent's skills (a team lead's move); null when the agent does not exist. */
export async function setAgentSkills(tx: Store, id: string, skills: readonly string[]): Promise<Agent | null> {
  const [row] = await tx.query<AgentRow>(`UPDATE agents SET skills = $2::text[] WHERE id = $1 RETURNING ${AGENT_COLUMNS}`, [id, [...skills]]);
  return row ? agentFromRow(row) : null;
}

/** Applies a router or timer event inside the caller's transaction; the agent after it, or null when unchanged. */
export async function applyAgentEventIn(tx: Store, id: string, event: AgentSystemEvent): Promise<Agent | null> {
  const row = await lockAgent(tx, id);
  if (!row) return null;
  const next = applyAgentEvent(agentFromRow(row), event);
  if (!next) return null;
  return writeAgentState(tx, id, next.state, next.reason, event.kind === 'answered' ? 0 : null);
}

/** Counts one more offer the agent let ring out, and takes them out of rotation past the threshold. */
export async function recordMissedOffer(tx: Store, id: string, awayAfterMisses: number): Promise<Agent | null> {
  const [row] = await tx.query<{ missed_calls: number }>(
    'UPDATE agents SET missed_calls = missed_calls + 1 WHERE id = $1 RETURNING missed_calls',
    [id],
  );
  if (!row) return null;
  return applyAgentEventIn(tx, id, { kind: 'missed', missedInRow: row.missed_calls, awayAfterMisses });
}

/** Agents whose timed wrap-up is over at `now`, moved to available (at most once, under a row lock). */
export async function expireWrapUps(store: Store, now: Date, wrapUpSeconds: number): Promise<Agent[]> {
  return store.transaction(async (tx) => {
    const due = await tx.query<{ id: string }>(
      `SELECT id FROM agents WHERE state = 'wrap_up' AND state_since <= $1::timestamptz - make_interval(secs => $2) ORDER BY id FOR UPDATE`,
      [now.toISOString(), wrapUpSeconds],
    );
    const moved: Agent[] = [];
    for (const { id } of due) {
      const agent = await applyAgentEventIn(tx, id, { kind: 'wrap_up_timer', now, wrapUpSeconds });
      if (agent) moved.push(agent);
    }
    return moved;
  });
}

/**
 * Every agent, locked for the rest of the transaction: two calls arriving together are routed
 * one after the other, so they cannot both be offered to the same agent.
 */
export async function lockAgentsForRouting(tx: Store): Promise<Agent[]> {
  const rows = await tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY id FOR UPDATE`);
  return rows.map(agentFromRow);
}
