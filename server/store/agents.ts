// Agents as stored: who can take which queue, and what state they are in.
import type { Agent, AgentState } from '../../shared/domain/agent.js';
import { requireIso, type Store } from './store.js';

interface AgentRow {
  id: string;
  display_name: string;
  role: Agent['role'];
  skills: string[];
  state: AgentState;
  state_since: Date | string;
}

export function agentFromRow(row: AgentRow): Agent {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    skills: row.skills,
    state: row.state,
    stateSince: requireIso(row.state_since),
  };
}

const AGENT_COLUMNS = 'id, display_name, role, skills, state, state_since';

/** The demo roster; a directory of real staff replaces it with sign-in proper. */
export const DEMO_AGENTS: ReadonlyArray<Pick<Agent, 'id' | 'displayName' | 'role' | 'skills'>> = [
  { id: 'demo-calltaker', displayName: 'Jordan Reyes', role: 'call_taker', skills: ['general', 'triage'] },
  { id: 'demo-triage', displayName: 'Sam Okafor', role: 'triage_call_taker', skills: ['general', 'triage'] },
  { id: 'demo-lead', displayName: 'Alex Kim', role: 'team_lead', skills: [] },
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

export async function getAgent(store: Store, id: string): Promise<Agent | null> {
  const [row] = await store.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1`, [id]);
  return row ? agentFromRow(row) : null;
}

/** Sets an agent's state; `stateSince` moves only when the state actually changes. */
export async function setAgentState(store: Store, id: string, state: AgentState): Promise<Agent | null> {
  const [row] = await store.query<AgentRow>(
    `UPDATE agents SET state = $2, state_since = CASE WHEN state = $2 THEN state_since ELSE now() END
     WHERE id = $1 RETURNING ${AGENT_COLUMNS}`,
    [id, state],
  );
  return row ? agentFromRow(row) : null;
}

/**
 * Every agent, locked for the rest of the transaction: two calls arriving together are routed
 * one after the other, so they cannot both be offered to the same agent.
 */
export async function lockAgentsForRouting(tx: Store): Promise<Agent[]> {
  const rows = await tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY id FOR UPDATE`);
  return rows.map(agentFromRow);
}
