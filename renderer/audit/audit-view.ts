// The admin's audit search without React: the filter form as typed, turned into the contract's
// filters (dates are whole local days, `to` included), the pages loaded so far with the cursor of
// the next one, and what each entry shows in the table.
import { AUDIT_ACTIONS, AuditActionSchema, type AuditEntry, type AuditFilters, type AuditPage } from '../../shared/audit-api.js';

/** Entries asked for per page; "Load more" asks for the next as many. */
export const AUDIT_VIEW_PAGE_SIZE = 50;

export type AuditForm = {
  agentId: string;
  /** '' for any action. */
  action: string;
  objectType: string;
  objectId: string;
  clientId: string;
  /** Local dates as an <input type="date"> gives them: 'YYYY-MM-DD' or ''. */
  from: string;
  to: string;
};

export const EMPTY_AUDIT_FORM: AuditForm = { agentId: '', action: '', objectType: '', objectId: '', clientId: '', from: '', to: '' };

/** The action names for the picker, with what each records, in catalogue order. */
export const AUDIT_ACTION_CHOICES = Object.entries(AUDIT_ACTIONS).map(([name, description]) => ({ name, description }));

export type FormCheck = { ok: true; filters: AuditFilters } | { ok: false; problem: string };

/** Midnight at the start of a local date, as an ISO time with offset. */
function localDayStart(date: string, addDays = 0): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(day.getTime()) ? null : day.toISOString();
}

export function filtersFromForm(form: AuditForm): FormCheck {
  const filters: AuditFilters = {};
  const text = (value: string) => value.trim();
  if (text(form.agentId)) filters.agentId = text(form.agentId);
  if (form.action) {
    const action = AuditActionSchema.safeParse(form.action);
    if (!action.success) return { ok: false, problem: `"${form.action}" is not an audit action.` };
    filters.action = action.data;
  }
  if (text(form.objectType)) filters.objectType = text(form.objectType);
  if (text(form.objectId)) filters.objectId = text(form.objectId);
  if (text(form.clientId)) filters.clientId = text(form.clientId);
  if (form.from) {
    const from = localDayStart(form.from);
    if (!from) return { ok: false, problem: 'The "from" date is not a date.' };
    filters.from = from;
  }
  if (form.to) {
    // The "to" day is included: the search runs up to the midnight after it.
    const to = localDayStart(form.to, 1);
    if (!to) return { ok: false, problem: 'The "to" date is not a date.' };
    filters.to = to;
  }
  if (filters.from && filters.to && filters.from >= filters.to) return { ok: false, problem: 'The "from" date is after the "to" date.' };
  return { ok: true, filters };
}

/** What has been found for one set of filters: the pages so far, newest first. */
export type AuditResults = {
  filters: AuditFilters;
  entries: AuditEntry[];
  /** Null once the oldest matching entry is shown. */
  nextCursor: number | null;
};

export function firstPage(filters: AuditFilters, page: AuditPage): AuditResults {
  return { filters, entries: page.entries, nextCursor: page.nextCursor };
}

/** The next (older) page joins the list; an entry already shown is not shown twice. */
export function withNextPage(results: AuditResults, page: AuditPage): AuditResults {
  const seen = new Set(results.entries.map((entry) => entry.seq));
  return { ...results, entries: [...results.entries, ...page.entries.filter((entry) => !seen.has(entry.seq))], nextCursor: page.nextCursor };
}

/** The params of the request for the page after `results` (null when there is none). */
export function nextPageParams(results: AuditResults): (AuditFilters & { limit: number; cursor: number }) | null {
  return results.nextCursor === null ? null : { ...results.filters, limit: AUDIT_VIEW_PAGE_SIZE, cursor: results.nextCursor };
}

const DETAILS_SHOWN = 140;

/** "mutation: create_case, resultCount: 3" — one line, cut short; the export has everything. */
export function summarizeDetails(details: Record<string, unknown>): string {
  const parts = Object.entries(details).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const line = parts.join(', ');
  return line.length > DETAILS_SHOWN ? `${line.slice(0, DETAILS_SHOWN - 1)}…` : line;
}

export function objectLabel(entry: Pick<AuditEntry, 'objectType' | 'objectId'>): string {
  return [entry.objectType, entry.objectId].filter((part) => part !== null).join(' ');
}
