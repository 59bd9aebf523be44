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

/** The callers columns a pull writes, in the order of `callerToValues`. */
export const CALLER_COLUMNS = [
  'id', 'name', 'email', 'address', 'zipcode', 'neighborhood_id', 'lat', 'lon', 'preferred_language', 'created_at', 'updated_at',
] as const;

/** Bound by position: a first sync writes a million rows, and naming each value costs a lookup. */
export function callerToValues(caller: Caller): unknown[] {
  return [
    caller.id, caller.name, caller.email, caller.address, caller.zipcode, caller.neighborhoodId, caller.lat, caller.lon,
    caller.preferredLanguage, caller.createdAt, caller.updatedAt,
  ];
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

/** The service_requests columns a pull writes and a read returns, in the order of `serviceRequestToValues`. */
export const SERVICE_REQUEST_COLUMNS = [
  'id', 'reference', 'caller_id', 'service_type_code', 'status', 'channel', 'description', 'address', 'zipcode',
  'neighborhood_id', 'lat', 'lon', 'agency', 'requested_at', 'requested_ms', 'updated_at', 'closed_at', 'closed_ms',
  'provisional_reference', 'field_versions', 'priority',
] as const satisfies ReadonlyArray<keyof ServiceRequestColumns>;

export function serviceRequestToValues(request: ServiceRequest): unknown[] {
  return [
    request.id, request.reference, request.callerId, request.serviceTypeCode, request.status, request.channel,
    request.description, request.address, request.zipcode, request.neighborhoodId, request.lat, request.lon, request.agency,
    request.requestedAt, Date.parse(request.requestedAt), request.updatedAt, request.closedAt,
    request.closedAt === null ? null : Date.parse(request.closedAt), request.provisionalReference,
    JSON.stringify(request.fieldVersions), request.priority,
  ];
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

/**
 * The columns `serviceRequestFromValues` reads, in its order. Hot paths (the screen pop) select
 * them as arrays (`.raw()`): better-sqlite3 names every column of every row object it builds, which
 * costs more than reading the row.
 */
export const SERVICE_REQUEST_VALUE_COLUMNS = [
  'id', 'reference', 'caller_id', 'service_type_code', 'status', 'channel', 'description', 'address', 'zipcode',
  'neighborhood_id', 'lat', 'lon', 'agency', 'requested_at', 'updated_at', 'closed_at', 'provisional_reference',
  'field_versions', 'priority',
] as const satisfies readonly (keyof ServiceRequestColumns)[];

type ColumnValues<Columns, Names extends readonly (keyof Columns)[]> = { -readonly [I in keyof Names]: Names[I] extends keyof Columns ? Columns[Names[I]] : never };
export type ServiceRequestValues = ColumnValues<ServiceRequestColumns, typeof SERVICE_REQUEST_VALUE_COLUMNS>;

/** `SERVICE_REQUEST_VALUE_COLUMNS` as a select list, each column prefixed with the table's alias. */
export function serviceRequestSelectList(alias: string): string {
  return SERVICE_REQUEST_VALUE_COLUMNS.map((column) => `${alias}.${column}`).join(', ');
}

/** `serviceRequestFromColumns` for a row selected as an array (`serviceRequestSelectList`, then `.raw()`); more columns may follow. */
export function serviceRequestFromValues(values: readonly [...ServiceRequestValues, ...unknown[]]): ServiceRequest {
  return {
    id: values[0],
    reference: values[1],
    callerId: values[2],
    serviceTypeCode: values[3],
    status: values[4],
    channel: values[5],
    description: values[6],
    address: values[7],
    zipcode: values[8],
    neighborhoodId: values[9],
    lat: values[10],
    lon: values[11],
    agency: values[12],
    requestedAt: values[13],
    updatedAt: values[14],
    closedAt: values[15],
    provisionalReference: values[16],
    fieldVersions: JSON.parse(values[17]) as Record<string, number>,
    priority: values[18],
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
