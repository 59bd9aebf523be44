// Call-takers, triage call-takers and team leads, and the states the call router respects.
import { z } from 'zod';

export const AgentRoleSchema = z.enum(['call_taker', 'triage_call_taker', 'team_lead', 'department_staff', 'admin']);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

export const AgentStateSchema = z.enum(['available', 'on_call', 'wrap_up', 'away', 'offline']);
export type AgentState = z.infer<typeof AgentStateSchema>;

export const AgentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'agent ids are lowercase letters, digits and dashes');

export const AgentSchema = z.object({
  id: AgentIdSchema,
  displayName: z.string().min(1).max(120),
  role: AgentRoleSchema,
  skills: z.array(z.string()),
  state: AgentStateSchema,
  stateSince: z.iso.datetime({ offset: true }),
  /** Why the agent is in this state: the away reason the agent chose, or what moved them
   * ("missed 2 calls", "set by Alex Kim"). Null when the agent chose it without a reason. */
  stateReason: z.string().max(200).nullable().default(null),
});
export type Agent = z.infer<typeof AgentSchema>;

/** Reasons an agent may give for going away; the router never offers them calls. */
export const AWAY_REASONS = ['break', 'lunch', 'meeting', 'training', 'coaching', 'technical_problem', 'other'] as const;
export const AwayReasonSchema = z.enum(AWAY_REASONS);
export type AwayReason = z.infer<typeof AwayReasonSchema>;
