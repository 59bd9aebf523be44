// What happens to a case besides its fields: notes agents add, and conflicts — concurrent edits
// of one field, where the value that lost is kept and shown until an agent resolves it.
import { z } from 'zod';
import { AgentIdSchema } from './agent.js';
import { IsoTimeSchema, UuidSchema } from './ids.js';
import { VERSIONED_CASE_FIELDS } from './service-request.js';

export const CaseNoteSchema = z.object({
  id: UuidSchema,
  caseId: UuidSchema,
  text: z.string().min(1).max(4000),
  authorAgentId: AgentIdSchema,
  createdAt: IsoTimeSchema,
});
export type CaseNote = z.infer<typeof CaseNoteSchema>;

/** Who made one side of a conflict. */
export const EditOriginSchema = z.object({
  agentId: AgentIdSchema,
  clientId: z.string(),
  mutationId: z.number().int().positive(),
  at: IsoTimeSchema,
});

export const CaseConflictSchema = z.object({
  id: UuidSchema,
  caseId: UuidSchema,
  field: z.enum(VERSIONED_CASE_FIELDS),
  /** The value the case has: the edit the server applied first. */
  keptValue: z.unknown(),
  keptBy: EditOriginSchema.nullable(),
  /** The value of the later, concurrent edit, which was not applied. */
  losingValue: z.unknown(),
  losingBy: EditOriginSchema,
  detectedAt: IsoTimeSchema,
  resolvedAt: IsoTimeSchema.nullable(),
  resolvedBy: AgentIdSchema.nullable(),
  /** `keep`: the kept value stands; `take_losing`: the losing value was applied as a new edit. */
  resolution: z.enum(['keep', 'take_losing']).nullable(),
});
export type CaseConflict = z.infer<typeof CaseConflictSchema>;
