// Protocols and triage records as they are stored and synced. A published protocol version is
// immutable and kept forever; the desk picks, per protocol id, the newest version already in
// effect when a run starts, and the run stays on that version to its end.
import { z } from 'zod';
import { AgentIdSchema } from '../domain/agent.js';
import { IsoTimeSchema, UuidSchema } from '../domain/ids.js';
import { DeterminantSchema, ProtocolIdSchema, TriageProtocolSchema, type TriageProtocol } from './protocol.js';
import { TriageRecordSchema, type TriageRecord } from './record.js';

/** "noise@3": one row per published version. */
export function protocolKey(id: string, version: number): string {
  return `${id}@${version}`;
}

export const PublishedProtocolSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]+@\d+$/),
  id: ProtocolIdSchema,
  version: z.number().int().min(1),
  title: z.string(),
  effectiveFrom: IsoTimeSchema,
  publishedAt: IsoTimeSchema,
  /** Null for the starter set shipped with the product. */
  publishedBy: AgentIdSchema.nullable(),
  document: TriageProtocolSchema,
});
export type PublishedProtocol = z.infer<typeof PublishedProtocolSchema>;

/** Per protocol id, the newest version in effect at `at`; versions not yet in effect are left out. */
export function protocolsInEffect(published: readonly PublishedProtocol[], at: Date): TriageProtocol[] {
  const newest = new Map<string, PublishedProtocol>();
  for (const entry of published) {
    if (Date.parse(entry.effectiveFrom) > at.getTime()) continue;
    const current = newest.get(entry.id);
    if (!current || entry.version > current.version) newest.set(entry.id, entry);
  }
  return [...newest.values()].map((entry) => entry.document);
}

/** A finished triage as synced: the record itself, plus columns reports and the case view read. */
export const TriageRecordRowSchema = z.object({
  id: UuidSchema,
  caseId: UuidSchema.nullable(),
  callId: UuidSchema.nullable(),
  callTakerId: AgentIdSchema,
  outcomeKind: z.string().nullable(),
  determinant: DeterminantSchema.nullable(),
  escalated: z.boolean(),
  startedAt: IsoTimeSchema,
  elapsedMs: z.number().int().min(0),
  record: TriageRecordSchema,
  createdAt: IsoTimeSchema,
});
export type TriageRecordRow = z.infer<typeof TriageRecordRowSchema>;

/** The synced row of a recorded run: the record, and the columns reports and the case view read. */
export function triageRecordRow(
  run: { id: string; caseId: string | null; callId: string | null; record: TriageRecord },
  createdAt: string,
): TriageRecordRow {
  const { record } = run;
  return {
    id: run.id,
    caseId: run.caseId,
    callId: run.callId,
    callTakerId: record.callTakerId,
    outcomeKind: record.outcome?.node.kind ?? null,
    determinant: record.outcome?.determinant ?? null,
    escalated: record.outcome?.escalated ?? false,
    startedAt: record.startedAt,
    elapsedMs: record.elapsedMs,
    record,
    createdAt,
  };
}
