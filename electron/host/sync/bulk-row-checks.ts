// Straight-line checks for the rows a first sync brings by the million (callers and cases). Each
// answers the row exactly as its zod schema would (same keys, defaults filled in, unknown keys
// dropped) or null when it is not sure; a null sends the row through zod, so a malformed row still
// fails with zod's message. They only ever say yes to rows the schema accepts: the property test
// in tests/unit/host/bulk-row-checks.test.ts holds them to that.
import { z } from 'zod';
import type { Caller } from '../../../shared/domain/caller.js';
import {
  CasePrioritySchema, ServiceRequestChannelSchema, ServiceRequestStatusSchema, type ServiceRequest,
} from '../../../shared/domain/service-request.js';

// The patterns behind UuidSchema, IsoTimeSchema and z.email() in shared/domain.
const UUID = z.regexes.uuid();
const ISO_TIME = z.regexes.datetime({ offset: true, local: false, precision: undefined });
const EMAIL = z.regexes.email;
// Copied from the shared schemas (E164Schema, zipcode, provisionalReference).
const E164 = /^\+[1-9]\d{6,14}$/;
const ZIPCODE = /^\d{5}$/;
const PROVISIONAL_REFERENCE = /^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

const STATUSES = new Set<string>(ServiceRequestStatusSchema.options);
const CHANNELS = new Set<string>(ServiceRequestChannelSchema.options);
const PRIORITIES = new Set<string>(CasePrioritySchema.options);

type Row = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;
const matches = (value: unknown, pattern: RegExp): value is string => typeof value === 'string' && pattern.test(value);
const isNullableText = (value: unknown, max: number): boolean => value === null || isText(value, 0, max);
const isNullableMatch = (value: unknown, pattern: RegExp): boolean => value === null || matches(value, pattern);
const isNullableCoordinate = (value: unknown, limit: number): boolean =>
  value === null || (typeof value === 'number' && Number.isFinite(value) && value >= -limit && value <= limit);

function isPlainObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function phonesOf(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length < 1 || value.length > 10) return null;
  for (const phone of value) if (!matches(phone, E164)) return null;
  return [...(value as string[])];
}

function fieldVersionsOf(value: unknown): Record<string, number> | null {
  if (value === undefined) return {};
  if (!isPlainObject(value)) return null;
  const versions: Record<string, number> = {};
  for (const field in value) {
    if (!Object.hasOwn(value, field)) continue;
    const version = value[field];
    if (field === '__proto__' || typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
    versions[field] = version;
  }
  return versions;
}

/** The caller as CallerSchema.parse would answer, or null to let zod decide. */
export function checkedCaller(row: unknown): Caller | null {
  if (!isPlainObject(row)) return null;
  const phones = phonesOf(row.phones);
  const preferredLanguage = row.preferredLanguage === undefined ? 'en' : row.preferredLanguage;
  if (
    !phones || !matches(row.id, UUID) || !isText(row.name, 1, 200) || !isNullableMatch(row.email, EMAIL) ||
    !isNullableText(row.address, 300) || !isNullableMatch(row.zipcode, ZIPCODE) ||
    !(row.neighborhoodId === null || isString(row.neighborhoodId)) || !isNullableCoordinate(row.lat, 90) ||
    !isNullableCoordinate(row.lon, 180) || !isText(preferredLanguage, 2, 35) || !matches(row.createdAt, ISO_TIME) ||
    !matches(row.updatedAt, ISO_TIME)
  ) {
    return null;
  }
  return {
    id: row.id,
    name: row.name,
    phones,
    email: row.email as string | null,
    address: row.address as string | null,
    zipcode: row.zipcode as string | null,
    neighborhoodId: row.neighborhoodId as string | null,
    lat: row.lat as number | null,
    lon: row.lon as number | null,
    preferredLanguage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The case as ServiceRequestSchema.parse would answer, or null to let zod decide. */
export function checkedServiceRequest(row: unknown): ServiceRequest | null {
  if (!isPlainObject(row)) return null;
  const fieldVersions = fieldVersionsOf(row.fieldVersions);
  const provisionalReference = row.provisionalReference === undefined ? null : row.provisionalReference;
  const priority = row.priority === undefined ? 'standard' : row.priority;
  if (
    !fieldVersions || !matches(row.id, UUID) || !isText(row.reference, 1, 40) || !isNullableMatch(row.callerId, UUID) ||
    !isString(row.serviceTypeCode) || !isString(row.status) || !STATUSES.has(row.status) ||
    !isString(row.channel) || !CHANNELS.has(row.channel) || !isText(row.description, 0, 4000) ||
    !isNullableText(row.address, 300) || !isNullableMatch(row.zipcode, ZIPCODE) ||
    !(row.neighborhoodId === null || isString(row.neighborhoodId)) || !isNullableCoordinate(row.lat, 90) ||
    !isNullableCoordinate(row.lon, 180) || !isString(row.agency) || !matches(row.requestedAt, ISO_TIME) ||
    !matches(row.updatedAt, ISO_TIME) || !isNullableMatch(row.closedAt, ISO_TIME) ||
    !isNullableMatch(provisionalReference, PROVISIONAL_REFERENCE) || !isString(priority) || !PRIORITIES.has(priority)
  ) {
    return null;
  }
  return {
    id: row.id,
    reference: row.reference,
    callerId: row.callerId as string | null,
    serviceTypeCode: row.serviceTypeCode,
    status: row.status as ServiceRequest['status'],
    channel: row.channel as ServiceRequest['channel'],
    description: row.description,
    address: row.address as string | null,
    zipcode: row.zipcode as string | null,
    neighborhoodId: row.neighborhoodId as string | null,
    lat: row.lat as number | null,
    lon: row.lon as number | null,
    agency: row.agency,
    requestedAt: row.requestedAt,
    updatedAt: row.updatedAt,
    closedAt: row.closedAt as string | null,
    provisionalReference: provisionalReference as string | null,
    fieldVersions,
    priority: priority as ServiceRequest['priority'],
  };
}
