// What a pull shows department staff: the reference data, and of the cases only their own
// departments' (with those cases' notes and conflicts). Residents' caller records and triage
// records are for the agents who take calls. Everyone else sees the whole change log.
import type { Store } from '../store/store.js';

interface PulledChange {
  version: number;
  json: string;
}

const REFERENCE_ENTITIES = new Set(['service_type', 'neighborhood', 'triage_protocol']);
const CASE_CHILD_ENTITIES = new Set(['case_note', 'case_conflict']);

interface ParsedChange {
  op: 'put' | 'del';
  entity: string;
  row?: { agency?: unknown; caseId?: unknown };
}

/**
 * The changes of a page a department staff member may see. The page's cursor stays the caller's
 * to compute from the unfiltered page, so a page with nothing visible still moves the desk on.
 */
export async function changesForDepartments(store: Store, changes: readonly PulledChange[], departments: ReadonlySet<string>): Promise<PulledChange[]> {
  const parsed = changes.map((change) => ({ change, parsed: JSON.parse(change.json) as ParsedChange }));
  const caseIds = [...new Set(parsed.flatMap(({ parsed: p }) => (CASE_CHILD_ENTITIES.has(p.entity) && typeof p.row?.caseId === 'string' ? [p.row.caseId] : [])))];
  const agencyOfCase = new Map<string, string>();
  if (caseIds.length > 0) {
    const rows = await store.query<{ id: string; agency: string }>('SELECT id::text AS id, agency FROM service_requests WHERE id::text = ANY($1::text[])', [caseIds]);
    for (const row of rows) agencyOfCase.set(row.id, row.agency);
  }
  return parsed
    .filter(({ parsed: p }) => {
      if (REFERENCE_ENTITIES.has(p.entity)) return true;
      if (p.entity === 'service_request') return p.op === 'del' || (typeof p.row?.agency === 'string' && departments.has(p.row.agency));
      if (CASE_CHILD_ENTITIES.has(p.entity)) {
        const agency = typeof p.row?.caseId === 'string' ? agencyOfCase.get(p.row.caseId) : undefined;
        return agency !== undefined && departments.has(agency);
      }
      return false;
    })
    .map(({ change }) => change);
}
