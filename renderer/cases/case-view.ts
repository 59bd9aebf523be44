// Pure view logic for cases: which status changes to offer, how references read (provisional or
// official), and how the two sides of a conflict are put into words.
import type { CaseSummary } from '../../shared/desk-api.js';
import type { CaseConflict } from '../../shared/domain/case-history.js';
import { STATUS_TRANSITIONS, type ServiceRequestStatus, type VersionedCaseField } from '../../shared/domain/service-request.js';
import { ProvisionalReferenceSchema } from '../../shared/mutations.js';
import { formatClock, formatDate } from '../app/format.js';

export type StatusAction = { to: ServiceRequestStatus; label: string };

function statusActionLabel(from: ServiceRequestStatus, to: ServiceRequestStatus): string {
  if (to === 'closed') return 'Close case';
  if (to === 'in_progress') return 'Mark in progress';
  return from === 'closed' ? 'Reopen' : 'Back to open';
}

/** The buttons a case of this status offers, straight from the shared transition table. */
export function statusActionsFor(status: ServiceRequestStatus): StatusAction[] {
  return STATUS_TRANSITIONS[status].map((to) => ({ to, label: statusActionLabel(status, to) }));
}

export function isProvisionalReference(reference: string): boolean {
  return ProvisionalReferenceSchema.safeParse(reference).success;
}

export type ReferenceView = {
  /** What to read to the caller now. */
  reference: string;
  /** True while the server has not yet given the official number. */
  provisional: boolean;
  /** The provisional reference kept beside the official one, for callers who were given it. */
  provisionalAlias: string | null;
};

export function referenceView(request: Pick<CaseSummary, 'reference' | 'provisionalReference'>): ReferenceView {
  const provisional = isProvisionalReference(request.reference) || request.reference === request.provisionalReference;
  return {
    reference: request.reference,
    provisional,
    provisionalAlias: !provisional && request.provisionalReference ? request.provisionalReference : null,
  };
}

export const CASE_FIELD_LABELS: Record<VersionedCaseField, string> = {
  description: 'Description',
  address: 'Address',
  zipcode: 'ZIP code',
  neighborhoodId: 'Neighborhood',
  lat: 'Latitude',
  lon: 'Longitude',
  serviceTypeCode: 'Service type',
  status: 'Status',
  callerId: 'Caller',
};

/** A field value as the agent reads it: empty values say so rather than showing "null". */
export function formatFieldValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

type Origin = CaseConflict['losingBy'];

/** "you (this desk), 14:05" or "agent dana-k, Mar 4 14:05"; null origin is an edit made before tracking. */
export function describeOrigin(origin: Origin | null, ownClientId: string | null, today: Date = new Date()): string {
  if (!origin) return 'an earlier edit';
  const who = ownClientId !== null && origin.clientId === ownClientId ? 'you (this desk)' : `agent ${origin.agentId}`;
  const at = new Date(origin.at);
  const sameDay = !Number.isNaN(at.getTime()) && at.toDateString() === today.toDateString();
  return `${who}, ${sameDay ? formatClock(at) : `${formatDate(origin.at)} ${formatClock(at)}`}`;
}

export function openConflicts(conflicts: readonly CaseConflict[]): CaseConflict[] {
  return conflicts.filter((conflict) => conflict.resolvedAt === null);
}

/** The search box's text as the host's search takes it; a provisional reference read back over
 * the phone in lower case still matches exactly. Null when there is nothing to search for. */
export function normalizeCaseQuery(query: string): string | null {
  const trimmed = query.trim().replace(/\s+/g, ' ');
  if (trimmed.length === 0) return null;
  if (/^p-[0-9a-z]{4}-[0-9a-z]{4}$/i.test(trimmed)) return trimmed.toUpperCase();
  return trimmed.slice(0, 200);
}
