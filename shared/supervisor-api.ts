// What a team lead (or an admin) can do from the wallboard: move an agent's state or skills,
// listen to, coach or barge into a live call, and reprioritize or assign a waiting call. Every
// route answers 403 FORBIDDEN to other roles, and every action is audited with who and when.
//   PUT    /supervisor/agents/:agentId/state    SupervisorStateRequest → Agent
//   PUT    /supervisor/agents/:agentId/skills   SupervisorSkillsRequest → Agent
//   POST   /supervisor/calls/:callId/monitor    MonitorRequest → MonitorSession
//   DELETE /supervisor/calls/:callId/monitor    → MonitorSession (mode null: left)
//   POST   /supervisor/calls/:callId/priority   PriorityRequest → PriorityResponse
//   POST   /supervisor/calls/:callId/assign     AssignRequest → AssignResponse
import { z } from 'zod';
import { AgentIdSchema, AgentRoleSchema, AgentStateSchema, type AgentRole } from './domain/agent.js';

export const SUPERVISOR_PATH = '/supervisor';

/** Roles that may use the supervisor routes (the same ones that see the wallboard). */
export const SUPERVISOR_ROLES: readonly AgentRole[] = ['team_lead', 'admin'];
export const isSupervisorRole = (role: z.infer<typeof AgentRoleSchema>): boolean => SUPERVISOR_ROLES.includes(role);

export const SupervisorStateRequestSchema = z
  .object({
    state: AgentStateSchema,
    /** Needed when setting away (one of AWAY_REASONS), refused otherwise, as for the agent's own choice. */
    reason: z.string().max(60).nullable().default(null),
  })
  .strict();
export type SupervisorStateRequest = z.input<typeof SupervisorStateRequestSchema>;

/** A skill names a queue an agent may take ("general", "triage", or a configured one). */
export const SkillSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'skills are lowercase letters, digits, dashes and underscores');

export const SupervisorSkillsRequestSchema = z
  .object({
    skills: z
      .array(SkillSchema)
      .max(20)
      .refine((skills) => new Set(skills).size === skills.length, 'each skill once'),
  })
  .strict();
export type SupervisorSkillsRequest = z.input<typeof SupervisorSkillsRequestSchema>;

/** listen: muted; coach: heard by the agent only; barge: heard by everyone. */
export const MONITOR_MODES = ['listen', 'coach', 'barge'] as const;
export const MonitorModeSchema = z.enum(MONITOR_MODES);
export type MonitorMode = z.infer<typeof MonitorModeSchema>;

export const MonitorRequestSchema = z.object({ mode: MonitorModeSchema }).strict();
export type MonitorRequest = z.input<typeof MonitorRequestSchema>;

/** The team lead's seat in a call's conference. */
export const MonitorSessionSchema = z.object({
  callId: z.uuid(),
  supervisorId: AgentIdSchema,
  /** Null once the team lead has left. */
  mode: MonitorModeSchema.nullable(),
  /** The team lead's leg, once Twilio created it. */
  legSid: z.string().nullable(),
});
export type MonitorSession = z.infer<typeof MonitorSessionSchema>;

/**
 * high goes ahead of every normal call of its queue, but never ahead of a 911 transfer: those are
 * callers 911 already judged, and a team lead cannot see why. Among 911 transfers, high goes first too.
 */
export const CallPrioritySchema = z.enum(['normal', 'high']);
export type CallPriority = z.infer<typeof CallPrioritySchema>;

export const PriorityRequestSchema = z.object({ priority: CallPrioritySchema }).strict();
export type PriorityRequest = z.input<typeof PriorityRequestSchema>;
export const PriorityResponseSchema = z.object({ callId: z.uuid(), priority: CallPrioritySchema });
export type PriorityResponse = z.infer<typeof PriorityResponseSchema>;

export const AssignRequestSchema = z.object({ agentId: AgentIdSchema }).strict();
export type AssignRequest = z.input<typeof AssignRequestSchema>;
/** The call now rings `agentId`. */
export const AssignResponseSchema = z.object({ callId: z.uuid(), agentId: AgentIdSchema });
export type AssignResponse = z.infer<typeof AssignResponseSchema>;

/** What the audit records for each supervisor action. */
export const SUPERVISOR_AUDIT_ACTIONS = [
  'supervisor.state_change',
  'supervisor.skills_change',
  'supervisor.monitor',
  'supervisor.coach',
  'supervisor.barge',
  'supervisor.monitor_end',
  'supervisor.reprioritize',
  'supervisor.assign',
] as const;
export type SupervisorAuditAction = (typeof SUPERVISOR_AUDIT_ACTIONS)[number];

export const MONITOR_AUDIT_ACTION: Record<MonitorMode, SupervisorAuditAction> = {
  listen: 'supervisor.monitor',
  coach: 'supervisor.coach',
  barge: 'supervisor.barge',
};
