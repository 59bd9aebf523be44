// What the wallboard asks of the server for a team lead (shared/supervisor-api.ts), as one typed
// interface the wallboard takes as a prop. The desktop implements it over the desk API
// (desk-wallboard.ts): the host forwards each action, so the renderer never calls the server.
import type { Agent, AgentState, AwayReason } from '../../shared/domain/agent.js';
import type { AssignResponse, CallPriority, MonitorMode, MonitorSession, PriorityResponse } from '../../shared/supervisor-api.js';

export interface SupervisorActions {
  setAgentState(agentId: string, state: AgentState, reason: AwayReason | null): Promise<Agent>;
  setAgentSkills(agentId: string, skills: string[]): Promise<Agent>;
  monitorCall(callId: string, mode: MonitorMode): Promise<MonitorSession>;
  leaveCall(callId: string): Promise<MonitorSession>;
  setCallPriority(callId: string, priority: CallPriority): Promise<PriorityResponse>;
  assignCall(callId: string, agentId: string): Promise<AssignResponse>;
}
