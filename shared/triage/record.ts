// The triage record: what was asked, what was answered and when, by whom, under which protocol
// versions, and how it ended. Plain JSON, so it can travel as a synced mutation unchanged.
import { z } from 'zod';
import { AgentIdSchema } from '../domain/agent.js';
import { IsoTimeSchema } from '../domain/ids.js';
import { DeterminantSchema, FieldNameSchema, NodeIdSchema, OutcomeNodeSchema, ProtocolIdSchema, QuestionKindSchema } from './protocol.js';

export const TRIAGE_RECORD_SCHEMA_VERSION = 1;

export const TriageAnswerValueSchema = z.union([z.string().max(4000), z.number().finite(), z.boolean()]);

export const TriageStepSchema = z.object({
  protocolId: ProtocolIdSchema,
  protocolVersion: z.number().int().min(1),
  nodeId: NodeIdSchema,
  kind: QuestionKindSchema,
  /** The question exactly as it was on screen. */
  prompt: z.string().min(1).max(300),
  field: FieldNameSchema.nullable(),
  shownAt: IsoTimeSchema,
  answer: z.object({ value: TriageAnswerValueSchema, display: z.string().max(4000), answeredAt: IsoTimeSchema }).nullable(),
  /** Set when the call-taker went back past this step: it stays in the record, no longer counts. */
  supersededAt: IsoTimeSchema.nullable(),
});
export type TriageStep = z.infer<typeof TriageStepSchema>;

export const TriageOutcomeRecordSchema = z.object({
  protocolId: ProtocolIdSchema,
  protocolVersion: z.number().int().min(1),
  /** The outcome node as the protocol defined it (a synthetic return_to_911 when escalated). */
  node: OutcomeNodeSchema,
  determinant: DeterminantSchema,
  /** True when the call-taker pressed Return to 911 rather than a protocol branch leading there. */
  escalated: z.boolean(),
  reachedAt: IsoTimeSchema,
});
export type TriageOutcomeRecord = z.infer<typeof TriageOutcomeRecordSchema>;

export const TriageStatusSchema = z.enum(['asking', 'outcome', 'escalated', 'completed']);
export type TriageStatus = z.infer<typeof TriageStatusSchema>;

export const TriageRecordSchema = z.object({
  schemaVersion: z.literal(TRIAGE_RECORD_SCHEMA_VERSION),
  runId: z.string().min(1).max(64),
  callSid: z.string().max(64).nullable(),
  callTakerId: AgentIdSchema,
  /** Each protocol the run went through, in order, with the version it was pinned to. */
  protocols: z.array(z.object({ id: ProtocolIdSchema, version: z.number().int().min(1) })).min(1),
  status: TriageStatusSchema,
  startedAt: IsoTimeSchema,
  endedAt: IsoTimeSchema.nullable(),
  elapsedMs: z.number().int().min(0),
  /** Every question shown, in the order shown, superseded ones included. */
  steps: z.array(TriageStepSchema),
  outcome: TriageOutcomeRecordSchema.nullable(),
  /** Captured fields from the answers that still count. */
  fields: z.record(FieldNameSchema, TriageAnswerValueSchema),
  /** As the call-taker last had them on screen. */
  caller: z.object({ location: z.string().max(300).nullable(), callbackNumber: z.string().max(64).nullable() }),
});
export type TriageRecord = z.infer<typeof TriageRecordSchema>;
