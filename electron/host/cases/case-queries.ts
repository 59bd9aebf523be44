// Reads of cases for the desk: one case with its history, and search by official or provisional
// reference (index lookups) or by words of the description or address.
import type { CacheDatabase as Database, CacheStatement as Statement } from '../cache/open-cache.js';
import type { CaseSummary } from '../../../shared/desk-api.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import {
  caseConflictFromColumns, caseNoteFromColumns, serviceRequestFromColumns,
  type CaseConflictColumns, type CaseNoteColumns, type ServiceRequestColumns,
} from '../cache/rows.js';

type CaseRow = ServiceRequestColumns & { service_type_name: string | null };

export interface CaseSearch {
  cases: CaseSummary[];
  /** The reference the query named, when it found cases by one; null for a search by words. */
  reference: string | null;
}

export interface CaseQueries {
  summary(caseId: string): CaseSummary | null;
  notes(caseId: string): ReturnType<typeof caseNoteFromColumns>[];
  conflicts(caseId: string): ReturnType<typeof caseConflictFromColumns>[];
  search(query: string, limit: number): CaseSearch;
  serviceTypes(): ServiceType[];
}

export function createCaseQueries(db: Database): CaseQueries {
  const select = `SELECT sr.*, st.name AS service_type_name FROM service_requests sr LEFT JOIN service_types st ON st.code = sr.service_type_code`;
  const s: Record<string, Statement> = {
    byId: db.prepare(`${select} WHERE sr.id = ?`),
    byReference: db.prepare(`${select} WHERE sr.reference = ? UNION ${select} WHERE sr.provisional_reference = ?`),
    // Words match anywhere in the description or address; newest first, open before closed.
    byWords: db.prepare(`${select} WHERE sr.description LIKE @pattern ESCAPE '\\' OR sr.address LIKE @pattern ESCAPE '\\'
      ORDER BY (sr.status = 'closed'), sr.requested_ms DESC LIMIT @limit`),
    notes: db.prepare(`SELECT * FROM case_notes WHERE case_id = ? ORDER BY created_at, id`),
    conflicts: db.prepare(`SELECT * FROM case_conflicts WHERE case_id = ? ORDER BY resolved_at IS NOT NULL, id`),
    serviceTypes: db.prepare(`SELECT * FROM service_types ORDER BY name`),
  };
  const toSummary = (row: CaseRow): CaseSummary => ({ ...serviceRequestFromColumns(row), serviceTypeName: row.service_type_name ?? row.service_type_code });

  return {
    summary(caseId) {
      const row = s.byId!.get(caseId) as CaseRow | undefined;
      return row ? toSummary(row) : null;
    },
    notes: (caseId) => (s.notes!.all(caseId) as CaseNoteColumns[]).map(caseNoteFromColumns),
    conflicts: (caseId) => (s.conflicts!.all(caseId) as CaseConflictColumns[]).map(caseConflictFromColumns),
    search(query, limit) {
      const text = query.trim();
      if (text === '') return { cases: [], reference: null };
      // References are read over the phone: accept "p-7k3q-9xh2" as well.
      const reference = /^p-/i.test(text) ? text.toUpperCase() : text;
      const exact = (s.byReference!.all(reference, reference) as CaseRow[]).map(toSummary);
      if (exact.length > 0) return { cases: exact.slice(0, limit), reference };
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return { cases: (s.byWords!.all({ pattern, limit }) as CaseRow[]).map(toSummary), reference: null };
    },
    serviceTypes: () =>
      (s.serviceTypes!.all() as { code: string; name: string; agency: string; active: number; needs_location: number }[]).map((row) => ({
        code: row.code, name: row.name, agency: row.agency, active: row.active === 1, needsLocation: row.needs_location === 1,
      })),
  };
}
