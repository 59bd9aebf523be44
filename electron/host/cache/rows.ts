// Maps synced records to cache columns and back. Kept next to each other so a new field is
// added in one place on both sides.
import type { CaseConflict, CaseNote } from '../../../shared/domain/case-history.js';
import type { Caller } from '../../../shared/domain/caller.js';
import type { Neighborhood } from '../../../shared/domain/neighborhood.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';

export interface CallerColumns {
  id: string;
  name: string;
  email: string | null;
  address: string | null;
  zipcode: string | null;
  neighborhood_id: string | null;
  lat: number | null;
  lon: number | null;
  preferred_language: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceRequestColumns {
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
  requested_at: string;
  requested_ms: number;
  updated_at: string;
  closed_at: string | null;
  /** Epoch ms of closed_at, for the window of closed cases the desk keeps. */
  closed_ms: number | null;
  provisional_reference: string | null;
  /** JSON of `fieldVersions`. */
  field_versions: string;
  priority: ServiceRequest['priority'];
}

export function callerToColumns(caller: Caller): CallerColumns {
  return {
    id: caller.id,
    name: caller.name,
    email: caller.email,
    address: caller.address,
    zipcode: caller.zipcode,
    neighborhood_id: caller.neighborhoodId,
    lat: caller.lat,
    lon: caller.lon,
    preferred_language: caller.preferredLanguage,
    created_at: caller.createdAt,
    updated_at: caller.updatedAt,
  };
}

export function callerFromColumns(row: CallerColumns, phones: string[]): Caller {
  return {
    id: row.id,
    name: row.name,
    phones,
    email: row.email,
    address: row.address,
    zipcode: row.zipcode,
    neighborhoodId: row.neighborhood_id,
    lat: row.lat,
    lon: row.lon,
    preferredLanguage: row.preferred_language,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function serviceRequestToColumns(request: ServiceRequest): ServiceRequestColumns {
  return {
    id: request.id,
    reference: request.reference,
    caller_id: request.callerId,
    service_type_code: request.serviceTypeCode,
    status: request.status,
    channel: request.channel,
    description: request.description,
    address: request.address,
    zipcode: request.zipcode,
    neighborhood_id: request.neighborhoodId,
    lat: request.lat,
    lon: request.lon,
    agency: request.agency,
    requested_at: request.requestedAt,
    requested_ms: Date.parse(request.requestedAt),
    updated_at: request.updatedAt,
    closed_at: request.closedAt,
    closed_ms: request.closedAt === null ? null : Date.parse(request.closedAt),
    provisional_reference: request.provisionalReference,
    field_versions: JSON.stringify(request.fieldVersions),
    priority: request.priority,
  };
}

export function serviceRequestFromColumns(row: ServiceRequestColumns): ServiceRequest {
  return {
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
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    provisionalReference: row.provisional_reference,
    fieldVersions: JSON.parse(row.field_versions) as Record<string, number>,
    priority: row.priority,
  };
}

export function serviceTypeToColumns(type: ServiceType) {
  return { code: type.code, name: type.name, agency: type.agency, active: type.active ? 1 : 0, needs_location: type.needsLocation ? 1 : 0 };
}

export function neighborhoodToColumns(neighborhood: Neighborhood) {
  return { id: neighborhood.id, name: neighborhood.name, label_lat: neighborhood.labelLat, label_lon: neighborhood.labelLon };
}

export interface CaseNoteColumns {
  id: string;
  case_id: string;
  text: string;
  author_agent_id: string;
  created_at: string;
}

export function caseNoteToColumns(note: CaseNote): CaseNoteColumns {
  return { id: note.id, case_id: note.caseId, text: note.text, author_agent_id: note.authorAgentId, created_at: note.createdAt };
}

export function caseNoteFromColumns(row: CaseNoteColumns): CaseNote {
  return { id: row.id, caseId: row.case_id, text: row.text, authorAgentId: row.author_agent_id, createdAt: row.created_at };
}

/** Conflicts carry values of any field's type, so the record is kept whole as JSON beside its keys. */
export interface CaseConflictColumns {
  id: string;
  case_id: string;
  resolved_at: string | null;
  record: string;
}

export function caseConflictToColumns(conflict: CaseConflict): CaseConflictColumns {
  return { id: conflict.id, case_id: conflict.caseId, resolved_at: conflict.resolvedAt, record: JSON.stringify(conflict) };
}

export function caseConflictFromColumns(row: CaseConflictColumns): CaseConflict {
  return JSON.parse(row.record) as CaseConflict;
}
