// Reads a push needs, in the shared-domain shape: a case with its server-only field origins, a
// conflict, and one-round-trip checks that what a mutation points at exists.
import type { CaseConflict } from '../../shared/domain/case-history.js';
import type { ServiceRequest } from '../../shared/domain/service-request.js';
import { requireIso, toIso, type Store } from '../store/store.js';
import type { EditOrigin } from './conflicts.js';

export interface StoredCase {
  request: ServiceRequest;
  /** Who set each field, when a push did (seeded cases have none). */
  fieldOrigins: Record<string, EditOrigin>;
}

export interface CaseRow {
  id: string;
  reference: string;
  caller_id: string | null;
  service_type_code: string;
  status: ServiceRequest['status'];
  channel: ServiceRequest['channel'];
  description: string;
  address: string | null;
  zipcode: string | null;
  neighborhood_id: string | null;
  lat: number | null;
  lon: number | null;
  agency: string;
  requested_at: Date | string;
  updated_at: Date | string;
  closed_at: Date | string | null;
  provisional_reference: string | null;
  priority: ServiceRequest['priority'];
  field_versions: Record<string, number>;
  field_origins: Record<string, EditOrigin> | null;
}

export async function loadCase(tx: Store, id: string): Promise<StoredCase | null> {
  const [row] = await tx.query<CaseRow>('SELECT * FROM service_requests WHERE id = $1', [id]);
  return row ? storedCaseFromRow(row) : null;
}

/** A service_requests row (as the driver returns it, or as to_jsonb renders it) in domain shape. */
export function storedCaseFromRow(row: CaseRow): StoredCase {
  return {
    request: {
      id: row.id,
      reference: row.reference,
      callerId: row.caller_id,
      serviceTypeCode: row.service_type_code,
      status: row.status,
      channel: row.channel,
      description: row.description,
      address: row.address,
      zipcode: row.zipcode,
      neighborhoodId: row.neighborhood_id,
      lat: row.lat,
      lon: row.lon,
      agency: row.agency,
      requestedAt: requireIso(row.requested_at),
      updatedAt: requireIso(row.updated_at),
      closedAt: toIso(row.closed_at),
      provisionalReference: row.provisional_reference,
      fieldVersions: row.field_versions,
      priority: row.priority,
    },
    fieldOrigins: row.field_origins ?? {},
  };
}

export interface ConflictRow {
  id: string;
  case_id: string;
  field: CaseConflict['field'];
  kept_value: unknown;
  kept_by: EditOrigin | null;
  losing_value: unknown;
  losing_by: EditOrigin;
  detected_at: Date | string;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  resolution: CaseConflict['resolution'];
}

export async function loadConflict(tx: Store, id: string): Promise<CaseConflict | null> {
  const [row] = await tx.query<ConflictRow>('SELECT * FROM case_conflicts WHERE id = $1', [id]);
  return row ? conflictFromRow(row) : null;
}

export function conflictFromRow(row: ConflictRow): CaseConflict {
  return {
    id: row.id,
    caseId: row.case_id,
    field: row.field,
    keptValue: row.kept_value ?? null,
    keptBy: row.kept_by,
    losingValue: row.losing_value ?? null,
    losingBy: row.losing_by,
    detectedAt: requireIso(row.detected_at),
    resolvedAt: toIso(row.resolved_at),
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}

/** What a mutation refers to, looked up together; a null input is "not asked". */
export interface ReferenceCheck {
  caseId?: string | null;
  callerId?: string | null;
  serviceTypeCode?: string | null;
  neighborhoodId?: string | null;
  provisionalReference?: string | null;
  noteId?: string | null;
}

export interface ReferenceFacts {
  caseExists: boolean;
  callerExists: boolean;
  serviceType: { active: boolean; agency: string } | null;
  neighborhoodExists: boolean;
  provisionalReferenceTaken: boolean;
  noteExists: boolean;
}

export async function checkReferences(tx: Store, check: ReferenceCheck): Promise<ReferenceFacts> {
  const [row] = await tx.query<{
    case_exists: boolean; caller_exists: boolean; service_type: { active: boolean; agency: string } | null;
    neighborhood_exists: boolean; reference_taken: boolean; note_exists: boolean;
  }>(
    `SELECT
       EXISTS (SELECT 1 FROM service_requests WHERE id = $1::uuid) AS case_exists,
       EXISTS (SELECT 1 FROM callers WHERE id = $2::uuid) AS caller_exists,
       (SELECT jsonb_build_object('active', active, 'agency', agency) FROM service_types WHERE code = $3::text) AS service_type,
       EXISTS (SELECT 1 FROM neighborhoods WHERE id = $4::text) AS neighborhood_exists,
       EXISTS (SELECT 1 FROM service_requests WHERE provisional_reference = $5::text) AS reference_taken,
       EXISTS (SELECT 1 FROM case_notes WHERE id = $6::uuid) AS note_exists`,
    [
      check.caseId ?? null, check.callerId ?? null, check.serviceTypeCode ?? null,
      check.neighborhoodId ?? null, check.provisionalReference ?? null, check.noteId ?? null,
    ],
  );
  return {
    caseExists: row?.case_exists ?? false,
    callerExists: row?.caller_exists ?? false,
    serviceType: row?.service_type ?? null,
    neighborhoodExists: row?.neighborhood_exists ?? false,
    provisionalReferenceTaken: row?.reference_taken ?? false,
    noteExists: row?.note_exists ?? false,
  };
}

export async function callerExists(tx: Store, id: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM callers WHERE id = $1', [id]);
  return rows.length > 0;
}

/** The next official service-request number ("19000123"). */
export async function nextOfficialReference(tx: Store): Promise<string> {
  const [row] = await tx.query<{ reference: number }>("SELECT nextval('service_request_reference_seq')::int8 AS reference");
  return String(row?.reference);
}
