// Conflict rules, pure: a field edit made against a version older than the field's current one
// lost the race (first in server order wins). The losing value is kept as a conflict whose id is
// derived from the mutation, so the same mutation always names the same conflict.
import { v5 as uuidv5 } from 'uuid';
import type { CaseConflict } from '../../shared/domain/case-history.js';
import type { ServiceRequest, VersionedCaseField } from '../../shared/domain/service-request.js';

export interface EditOrigin {
  agentId: string;
  clientId: string;
  mutationId: number;
  at: string;
}

// A fixed namespace for conflict ids (UUIDv5 of "<clientId>/<mutationId>/<field>").
const CONFLICT_NAMESPACE = '0f6f1c52-3a3e-4b8e-9a31-311c0f11c7a0';

export function conflictIdFor(origin: EditOrigin, field: VersionedCaseField): string {
  return uuidv5(`${origin.clientId}/${origin.mutationId}/${field}`, CONFLICT_NAMESPACE);
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export type FieldDecision = 'apply' | 'unchanged' | 'conflict';

/**
 * What to do with one field of an edit. A stale base (the field changed on the server after the
 * desk saw it) is a conflict unless both sides wrote the same value; a fresh base applies. A
 * field last set by an earlier mutation of the same desk is not stale: the desk made this edit on
 * top of its own, before it could know the version the server would give that one.
 */
export function decideField(
  current: ServiceRequest,
  field: VersionedCaseField,
  value: unknown,
  baseVersion: number,
  lastSetBy: EditOrigin | null,
  origin: EditOrigin,
): FieldDecision {
  const serverVersion = current.fieldVersions[field] ?? 0;
  const unchanged = sameValue(current[field], value);
  const ownEarlierEdit = lastSetBy !== null && lastSetBy.clientId === origin.clientId && lastSetBy.mutationId < origin.mutationId;
  if (serverVersion > baseVersion && !ownEarlierEdit) return unchanged ? 'unchanged' : 'conflict';
  return unchanged ? 'unchanged' : 'apply';
}

export function buildConflict(
  current: ServiceRequest,
  field: VersionedCaseField,
  losingValue: unknown,
  keptBy: EditOrigin | null,
  losingBy: EditOrigin,
  detectedAt: string,
): CaseConflict {
  return {
    id: conflictIdFor(losingBy, field),
    caseId: current.id,
    field,
    keptValue: current[field] ?? null,
    keptBy,
    losingValue: losingValue ?? null,
    losingBy,
    detectedAt,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
  };
}
