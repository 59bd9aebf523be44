// What the wallboard asks of the server for a team lead (shared/supervisor-api.ts), as one typed
// interface the wallboard takes as a prop, and its implementation over fetch with the lead's
// bearer token. Answers are checked with the contract's schemas; refusals arrive as DeskFailure
// with the server's code and message.
import { AgentSchema, type Agent, type AgentState, type AwayReason } from '../../shared/domain/agent.js';
import { DeskErrorSchema, DeskFailure } from '../../shared/errors.js';
import {
  AssignResponseSchema, MonitorSessionSchema, PriorityResponseSchema, SUPERVISOR_PATH,
  type AssignResponse, type CallPriority, type MonitorMode, type MonitorSession, type PriorityResponse,
} from '../../shared/supervisor-api.js';
import type { z } from 'zod';

export interface SupervisorActions {
  setAgentState(agentId: string, state: AgentState, reason: AwayReason | null): Promise<Agent>;
  setAgentSkills(agentId: string, skills: string[]): Promise<Agent>;
  monitorCall(callId: string, mode: MonitorMode): Promise<MonitorSession>;
  leaveCall(callId: string): Promise<MonitorSession>;
  setCallPriority(callId: string, priority: CallPriority): Promise<PriorityResponse>;
  assignCall(callId: string, agentId: string): Promise<AssignResponse>;
}

export interface SupervisorClientOptions {
  /** The central server, e.g. http://127.0.0.1:8311 (no trailing slash). */
  serverUrl: string;
  /** Read on every request, so a renewed token is used at once. */
  accessToken: () => string;
  fetch?: typeof fetch;
}

export function httpSupervisorActions(options: SupervisorClientOptions): SupervisorActions {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send<S extends z.ZodType>(method: string, path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    let response: Response;
    try {
      response = await doFetch(`${options.serverUrl}${SUPERVISOR_PATH}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.accessToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new DeskFailure('SERVER_UNREACHABLE', error instanceof Error ? error.message : String(error));
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const refusal = DeskErrorSchema.safeParse((json as { error?: unknown } | null)?.error);
      if (refusal.success) throw new DeskFailure(refusal.data.code, refusal.data.message);
      throw new DeskFailure('SERVER_ERROR', `the server answered HTTP ${response.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DeskFailure('SERVER_ERROR', 'the server answered with something unexpected');
    return parsed.data;
  }

  const agentPath = (agentId: string, what: string) => `/agents/${encodeURIComponent(agentId)}/${what}`;
  const callPath = (callId: string, what: string) => `/calls/${encodeURIComponent(callId)}/${what}`;
  return {
    setAgentState: (agentId, state, reason) => send('PUT', agentPath(agentId, 'state'), { state, reason }, AgentSchema),
    setAgentSkills: (agentId, skills) => send('PUT', agentPath(agentId, 'skills'), { skills }, AgentSchema),
    monitorCall: (callId, mode) => send('POST', callPath(callId, 'monitor'), { mode }, MonitorSessionSchema),
    leaveCall: (callId) => send('DELETE', callPath(callId, 'monitor'), undefined, MonitorSessionSchema),
    setCallPriority: (callId, priority) => send('POST', callPath(callId, 'priority'), { priority }, PriorityResponseSchema),
    assignCall: (callId, agentId) => send('POST', callPath(callId, 'assign'), { agentId }, AssignResponseSchema),
  };
}
