// The screen pop: finds every cached caller with the incoming number, with their cases and the
// open cases around their address. Local SQLite only, statements prepared once: it must answer
// in microseconds while the phone is still ringing, network or not.
import { performance } from 'node:perf_hooks';
import type { Database, Statement } from 'better-sqlite3';
import type { CallerRecord, CaseSummary, ScreenPop } from '../../../shared/desk-api.js';
import { normalizePhone } from '../../../shared/phone.js';
import { callerFromColumns, serviceRequestFromColumns, type CallerColumns, type ServiceRequestColumns } from '../cache/rows.js';
import { boxAround, distanceMeters } from './geo.js';

/** "Same block or so". */
export const NEARBY_RADIUS_M = 250;
export const NEARBY_LIMIT = 5;
/** A long-time caller (a business, a block captain) can have hundreds of cases; the pop shows the newest. */
export const CASES_PER_CALLER_LIMIT = 100;

type CaseRow = ServiceRequestColumns & { service_type_name: string | null };
type CallerRow = CallerColumns & { neighborhood_name: string | null };
type BoxEntry = { case_seq: number; lat: number; lon: number };

/** The R*Tree keeps 32-bit floats: about a metre of rounding at Philadelphia's latitude. */
const RTREE_SLACK_M = 3;

export interface CallerLookup {
  lookupCaller(phone: string): ScreenPop;
}

export function createCallerLookup(db: Database): CallerLookup {
  const statements = prepare(db);

  function toSummary(row: CaseRow): CaseSummary {
    return { ...serviceRequestFromColumns(row), serviceTypeName: row.service_type_name ?? row.service_type_code };
  }

  /**
   * Two steps, because reading a whole case row costs far more than an R*Tree entry: rank the
   * candidates in the box by the R*Tree's own coordinates, then read full rows nearest first
   * until five cases of other callers are found, checking the exact distance on each.
   */
  function openNearby(caller: CallerColumns): CaseSummary[] {
    if (caller.lat === null || caller.lon === null) return [];
    const { lat, lon } = caller;
    const box = boxAround(lat, lon, NEARBY_RADIUS_M + RTREE_SLACK_M);
    const ranked = (statements.openInBox.all(box.minLat, box.maxLat, box.minLon, box.maxLon) as BoxEntry[])
      .map((entry) => ({ seq: entry.case_seq, meters: distanceMeters(lat, lon, entry.lat, entry.lon) }))
      .filter((entry) => entry.meters <= NEARBY_RADIUS_M + RTREE_SLACK_M)
      .sort((a, b) => a.meters - b.meters);

    const found: { row: CaseRow; meters: number }[] = [];
    for (const entry of ranked) {
      const row = statements.caseBySeq.get(entry.seq) as CaseRow | undefined;
      if (!row || row.status === 'closed' || row.lat === null || row.lon === null) continue;
      if (row.caller_id === caller.id) continue;
      const meters = distanceMeters(lat, lon, row.lat, row.lon);
      if (meters <= NEARBY_RADIUS_M) found.push({ row, meters });
      // Entries come in R*Tree distance order, good to the slack; one past the fifth settles ties.
      if (found.length > NEARBY_LIMIT) break;
    }
    return found
      .sort((a, b) => a.meters - b.meters || b.row.requested_ms - a.row.requested_ms)
      .slice(0, NEARBY_LIMIT)
      .map((candidate) => toSummary(candidate.row));
  }

  function recordFor(row: CallerRow): CallerRecord {
    const phones = (statements.phonesOfCaller.all(row.id) as { e164: string }[]).map((phone) => phone.e164);
    const cases = (statements.casesOfCaller.all(row.id, CASES_PER_CALLER_LIMIT) as CaseRow[]).map(toSummary);
    const open = statements.openCountOfCaller.get(row.id) as { n: number };
    return {
      caller: callerFromColumns(row, phones),
      neighborhoodName: row.neighborhood_name,
      cases,
      openCaseCount: open.n,
      openNearby: openNearby(row),
    };
  }

  return {
    lookupCaller(phone) {
      const started = performance.now();
      const parsed = normalizePhone(phone);
      const e164 = parsed.ok ? parsed.e164 : null;
      const matches = e164 ? (statements.callersByPhone.all(e164) as CallerRow[]).map(recordFor) : [];
      return { query: phone, e164, matches, lookupMs: performance.now() - started };
    },
  };
}

interface LookupStatements {
  callersByPhone: Statement;
  phonesOfCaller: Statement;
  casesOfCaller: Statement;
  openCountOfCaller: Statement;
  openInBox: Statement;
  caseBySeq: Statement;
}

function prepare(db: Database): LookupStatements {
  const caseColumns = `sr.*, st.name AS service_type_name`;
  return {
    // IN (subquery) rather than a join: a caller may list the same number twice.
    callersByPhone: db.prepare(`
      SELECT c.*, n.name AS neighborhood_name
      FROM callers c
      LEFT JOIN neighborhoods n ON n.id = c.neighborhood_id
      WHERE c.id IN (SELECT caller_id FROM caller_phones WHERE e164 = ?)
      ORDER BY c.updated_at DESC, c.id`),
    phonesOfCaller: db.prepare('SELECT e164 FROM caller_phones WHERE caller_id = ? ORDER BY position'),
    casesOfCaller: db.prepare(`
      SELECT ${caseColumns}
      FROM service_requests sr
      LEFT JOIN service_types st ON st.code = sr.service_type_code
      WHERE sr.caller_id = ?
      ORDER BY (sr.status = 'closed'), sr.requested_ms DESC, sr.id
      LIMIT ?`),
    openCountOfCaller: db.prepare(`SELECT count(*) AS n FROM service_requests WHERE caller_id = ? AND status != 'closed'`),
    // Overlap tests: the R*Tree rounds its boxes outwards, so none is missed at the edge.
    openInBox: db.prepare(`
      SELECT case_seq, min_lat AS lat, min_lon AS lon
      FROM open_case_locations
      WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?`),
    caseBySeq: db.prepare(`
      SELECT ${caseColumns}
      FROM service_requests sr
      LEFT JOIN service_types st ON st.code = sr.service_type_code
      WHERE sr.seq = ?`),
  };
}
