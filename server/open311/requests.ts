// GET requests and GET requests/:service_request_id: cases as GeoReport v2 shows them to anyone.
// The id is the official service-request number; the provisional reference, the caller, notes
// and exact places never leave the server (privacy.ts says how places are generalized).
import { z } from 'zod';
import type { ServiceRequestStatus } from '../../shared/domain/service-request.js';
import { requireIso, type Store } from '../store/store.js';
import type { Open311Record } from './format.js';
import { generalizeAddress, publicDescription, roundCoordinate } from './privacy.js';

export const DEFAULT_PAGE_SIZE = 100;
/** The spec's own ceiling on one answer. */
export const MAX_PAGE_SIZE = 1000;
/** Without dates, the spec's default window: the last 90 days. */
const DEFAULT_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;

const REFERENCE = /^[A-Za-z0-9-]{1,40}$/;
const SERVICE_CODE = /^[a-z0-9-]{1,80}$/;

function commaList<T extends string>(item: z.ZodType<T, string>, max: number) {
  return z
    .string()
    .max(4000)
    .transform((text) => text.split(',').map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(z.array(item).min(1).max(max));
}

const PageNumber = (max: number) => z.string().regex(/^\d{1,6}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(max));

/**
 * The query of GET requests.(json|xml). jurisdiction_id needs nothing (one jurisdiction here);
 * other keys are ignored, as clients add their vendors' extensions (`extensions`, `api_key`).
 */
export const RequestsQuerySchema = z
  .object({
    service_request_id: commaList(z.string().regex(REFERENCE, 'not a service request id'), 100).optional(),
    service_code: commaList(z.string().regex(SERVICE_CODE, 'not a service code'), 50).optional(),
    start_date: z.iso.datetime({ offset: true }).optional(),
    end_date: z.iso.datetime({ offset: true }).optional(),
    status: commaList(z.enum(['open', 'closed']), 2).optional(),
    page: PageNumber(100_000).optional(),
    page_size: PageNumber(MAX_PAGE_SIZE).optional(),
    jurisdiction_id: z.string().max(100).optional(),
  })
  .refine((query) => !query.start_date || !query.end_date || Date.parse(query.start_date) <= Date.parse(query.end_date), {
    message: 'start_date is after end_date',
    path: ['start_date'],
  });
export type RequestsQuery = z.infer<typeof RequestsQuerySchema>;

export const RequestIdSchema = z.string().regex(REFERENCE, 'not a service request id');

interface PublicCaseRow {
  reference: string;
  status: ServiceRequestStatus;
  service_type_code: string;
  service_name: string;
  description: string;
  agency: string;
  address: string | null;
  zipcode: string | null;
  lat: number | null;
  lon: number | null;
  requested_at: Date | string;
  updated_at: Date | string;
  caller_name: string | null;
  caller_email: string | null;
  caller_address: string | null;
}

// The caller's name, e-mail and address are read only to take them out of the description.
const SELECT_PUBLIC = `SELECT r.reference, r.status, r.service_type_code, t.name AS service_name, r.description, r.agency,
    r.address, r.zipcode, r.lat, r.lon, r.requested_at, r.updated_at,
    c.name AS caller_name, c.email AS caller_email, c.address AS caller_address
  FROM service_requests r
  JOIN service_types t ON t.code = r.service_type_code
  LEFT JOIN callers c ON c.id = r.caller_id`;

/** The fields GeoReport v2 defines, in its order; what we do not know is null. */
function publicRecord(row: PublicCaseRow): Open311Record {
  return {
    service_request_id: row.reference,
    status: row.status === 'closed' ? 'closed' : 'open',
    status_notes: null,
    service_name: row.service_name,
    service_code: row.service_type_code,
    description: publicDescription(row.description, {
      name: row.caller_name,
      email: row.caller_email,
      addresses: [row.address, row.caller_address],
    }),
    agency_responsible: row.agency,
    service_notice: null,
    requested_datetime: requireIso(row.requested_at),
    updated_datetime: requireIso(row.updated_at),
    expected_datetime: null,
    address: generalizeAddress(row.address),
    zipcode: row.zipcode,
    lat: roundCoordinate(row.lat),
    long: roundCoordinate(row.lon),
    media_url: null,
  };
}

/** One page of cases, newest first. A list of ids overrides every other filter, as the spec says. */
export async function searchPublicRequests(store: Store, query: RequestsQuery, now: Date = new Date()): Promise<Open311Record[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.service_request_id) {
    add('r.reference = ANY(?::text[])', query.service_request_id);
  } else {
    const end = query.end_date ? new Date(query.end_date) : null;
    const start = query.start_date ? new Date(query.start_date) : new Date((end ?? now).getTime() - DEFAULT_WINDOW_MS);
    add('r.requested_at >= ?::timestamptz', start.toISOString());
    if (end) add('r.requested_at <= ?::timestamptz', end.toISOString());
    if (query.service_code) add('r.service_type_code = ANY(?::text[])', query.service_code);
    // open covers our open and in_progress; asking for both statuses is no filter.
    if (query.status && new Set(query.status).size === 1) add("(r.status = 'closed') = ?::boolean", query.status[0] === 'closed');
  }
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  params.push(pageSize, ((query.page ?? 1) - 1) * pageSize);
  const rows = await store.query<PublicCaseRow>(
    `${SELECT_PUBLIC} WHERE ${where.join(' AND ')}
     ORDER BY r.requested_at DESC, r.reference DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(publicRecord);
}

export async function findPublicRequest(store: Store, reference: string): Promise<Open311Record | null> {
  const [row] = await store.query<PublicCaseRow>(`${SELECT_PUBLIC} WHERE r.reference = $1`, [reference]);
  return row ? publicRecord(row) : null;
}
