// Call control after the screen pop: hold, warm and cold transfer (to a department, another
// agent, or back to 911), wrap-up with a disposition, and the call's timeline. The desk host
// forwards these to the central server, which drives Twilio (a conference per live call) and
// reports every change back on the host's live socket.
import { z } from 'zod';
import { AgentIdSchema, AgentSchema } from './domain/agent.js';
import { QueueNameSchema } from './domain/call.js';
import { E164Schema, IsoTimeSchema } from './domain/ids.js';

/** Where a call can be transferred. `emergency_911` is the configured 911 center line. */
export const TransferTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('emergency_911') }),
  z.object({ kind: z.literal('department'), code: z.string().min(1).max(40) }),
  z.object({ kind: z.literal('agent'), agentId: AgentIdSchema }),
]);
export type TransferTarget = z.infer<typeof TransferTargetSchema>;

/** A department line a call can be handed to (from the server's configuration). */
export const DepartmentLineSchema = z.object({
  code: z.string().min(1).max(40),
  name: z.string().min(1).max(120),
  phone: E164Schema,
});
export type DepartmentLine = z.infer<typeof DepartmentLineSchema>;

/** warm: the agent talks to the target first (caller on hold), then completes or cancels.
 * cold: the caller goes straight to the target and the agent is released. */
export const TransferModeSchema = z.enum(['warm', 'cold']);
export type TransferMode = z.infer<typeof TransferModeSchema>;

export const TransferStatusSchema = z.enum(['dialing', 'consulting', 'completed', 'cancelled', 'failed']);
export type TransferStatus = z.infer<typeof TransferStatusSchema>;

export const TransferSchema = z.object({
  mode: TransferModeSchema,
  target: TransferTargetSchema,
  /** What the target is called on screen ("Streets Department", "911 center", "Sam Okafor"). */
  targetName: z.string(),
  status: TransferStatusSchema,
  startedAt: IsoTimeSchema,
  /** Why a transfer failed (no answer, busy, ...); null otherwise. */
  failure: z.string().nullable(),
});
export type Transfer = z.infer<typeof TransferSchema>;

/** How a call ended, chosen at wrap-up; reports count these. */
export const DISPOSITIONS = [
  'case_created',
  'case_updated',
  'information_given',
  'transferred',
  'returned_to_911',
  'caller_hung_up',
  'wrong_number',
  'duplicate_report',
  'other',
] as const;
export const DispositionSchema = z.enum(DISPOSITIONS);
export type Disposition = z.infer<typeof DispositionSchema>;

export const CALL_TIMELINE_KINDS = [
  'received',
  'queued',
  'offered',
  'declined',
  'missed',
  'answered',
  'hold',
  'resume',
  'transfer_started',
  'transfer_answered',
  'transfer_completed',
  'transfer_cancelled',
  'transfer_failed',
  'abandoned',
  'ended',
  'wrapped_up',
] as const;
export const CallTimelineKindSchema = z.enum(CALL_TIMELINE_KINDS);
export type CallTimelineKind = z.infer<typeof CallTimelineKindSchema>;

/** One step in a call's life, as the server recorded it. */
export const CallTimelineEventSchema = z.object({
  at: IsoTimeSchema,
  kind: CallTimelineKindSchema,
  agentId: AgentIdSchema.nullable(),
  /** Short words for the timeline ("to Streets Department", "declined by demo-triage"). */
  detail: z.string().nullable(),
});
export type CallTimelineEvent = z.infer<typeof CallTimelineEventSchema>;

export const CallPhaseSchema = z.enum(['queued', 'ringing', 'answered', 'wrap_up', 'ended']);
export type CallPhase = z.infer<typeof CallPhaseSchema>;

/** The server's view of one call, as the agent's desktop shows it. */
export const CallControlStateSchema = z.object({
  callId: z.uuid(),
  callSid: z.string(),
  from: z.string(),
  queue: QueueNameSchema,
  is911Transfer: z.boolean(),
  phase: CallPhaseSchema,
  agentId: AgentIdSchema.nullable(),
  onHold: z.boolean(),
  transfer: TransferSchema.nullable(),
  disposition: DispositionSchema.nullable(),
  /** The case this call was wrapped up with, if any. */
  caseId: z.uuid().nullable(),
  timeline: z.array(CallTimelineEventSchema),
});
export type CallControlState = z.infer<typeof CallControlStateSchema>;

// Bodies of the server's call-control routes (all need the signed-in agent who holds the call):
//   GET  /calls/:callId                     → CallControlState
//   POST /calls/:callId/hold                HoldRequest → CallControlState
//   POST /calls/:callId/transfer            TransferRequest → CallControlState
//   POST /calls/:callId/transfer/complete   {} → CallControlState
//   POST /calls/:callId/transfer/cancel     {} → CallControlState
//   POST /calls/:callId/wrap-up             WrapUpRequest → WrapUpResponse
//   GET  /telephony/transfer-targets        → TransferTargets
export const HoldRequestSchema = z.object({ onHold: z.boolean() }).strict();

export const TransferRequestSchema = z
  .object({
    mode: TransferModeSchema,
    target: TransferTargetSchema,
    /** Read to the target before the caller is connected (e.g. the triage summary for 911). */
    summary: z.string().max(2000).nullable().default(null),
  })
  .strict();
export type TransferRequest = z.input<typeof TransferRequestSchema>;

export const WrapUpRequestSchema = z
  .object({
    disposition: DispositionSchema,
    caseId: z.uuid().nullable().default(null),
    note: z.string().max(2000).nullable().default(null),
  })
  .strict();
export type WrapUpRequest = z.input<typeof WrapUpRequestSchema>;

export const TransferTargetsSchema = z.object({
  departments: z.array(DepartmentLineSchema),
  /** Agents who could take a transfer now (available, with a skill of the call's queue). */
  agents: z.array(z.object({ id: AgentIdSchema, displayName: z.string(), state: z.string() })),
  emergencyLine: E164Schema,
});
export type TransferTargets = z.infer<typeof TransferTargetsSchema>;

export const WrapUpResponseSchema = z.object({
  call: CallControlStateSchema,
  /** The agent after wrap-up: available again, unless they chose otherwise meanwhile. */
  agent: AgentSchema,
});
