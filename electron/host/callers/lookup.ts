// The screen pop: finds every cached caller with the incoming number, with their cases and the
// open cases around their address. Local SQLite only, statements prepared once: it must answer
// in microseconds while the phone is still ringing, network or not. Each caller shown is noted
// for the audit log in memory only (audit/view-log.ts writes it later, off this path).
import { performance } from 'node:perf_hooks';
import type { CacheDatabase as Database, CacheStatement as Statement } from '../cache/open-cache.js';
import type { CallerRecord, CaseSummary, ScreenPop } from '../../../shared/desk-api.js';
import { toE164 } from '../../../shared/phone.js';
import {
  callerFromColumns, serviceRequestFromValues, serviceRequestSelectList, SERVICE_REQUEST_VALUE_COLUMNS, type CallerColumns, type ServiceRequestValues,
} from '../cache/rows.js';
import type { ViewRecorder } from '../audit/view-log.js';
import { boxAround, distanceMeters } from './geo.js';

/** "Same block or so". */
export const NEARBY_RADIUS_M = 250;
export const NEARBY_LIMIT = 5;
/** A long-time caller (a business, a block captain) can have hundreds of cases; the pop shows the newest. */
export const CASES_PER_CALLER_LIMIT = 100;
/**
 * The nearby search ranks a small box first: where cases are dense (most callers live there) the
 * full box holds dozens of open cases, and ranking them all costs more than the rest of the pop.
 */
export const NEARBY_FIRST_RADIUS_M = 100;

/** A case as the pop's statements select it: the mapped columns, then requested_ms and the service type's name. */
type CaseValues = [...ServiceRequestValues, requestedMs: number, serviceTypeName: string | null];
const REQUESTED_MS = SERVICE_REQUEST_VALUE_COLUMNS.length;
const SERVICE_TYPE_NAME = REQUESTED_MS + 1;
type CallerRow = CallerColumns & { neighborhood_name: string | null; phones_json: string };
/** [case_seq, lat, lon] as the R*Tree keeps them. */
type BoxEntry = [number, number, number];

interface NearbyWalk {
  callerId: string;
  lat: number;
  lon: number;
  found: { summary: CaseSummary; requestedMs: number; meters: number }[];
  /** The exact distance of the farthest case found. */
  farthestMeters: number;
  /** The case_seq of every ranked entry walked so far, in order. */
  read: number[];
}

/** The R*Tree keeps 32-bit floats: about a metre of rounding at Philadelphia's latitude. */
const RTREE_SLACK_M = 3;

export interface CallerLookup {
  lookupCaller(phone: string): ScreenPop;
}

export function createCallerLookup(db: Database, views?: ViewRecorder): CallerLookup {
  const statements = prepare(db);

  function toSummary(values: CaseValues): CaseSummary {
    const request = serviceRequestFromValues(values);
    return { ...request, serviceTypeName: (values[SERVICE_TYPE_NAME] as string | null) ?? request.serviceTypeCode };
  }

  /**
   * Two steps, because reading a whole case row costs far more than an R*Tree entry: rank the
   * candidates in the box by the R*Tree's own coordinates, then read full rows nearest first
   * until five cases of other callers are found, checking the exact distance on each.
   *
   * A small box is ranked first. Every entry it ranks is also in the full box and comes first
   * there, in the same order (the R*Tree walks its nodes in one fixed order whatever the box, and
   * the sort is stable), so when the five are settled inside it the answer is the full box's.
   * Otherwise the full box is ranked and the walk goes on past the entries already read.
   *
   * Five found are settled when one more is (it settles ties), or when no entry left to read can
   * be as near as the farthest of them: entries come in R*Tree distance order, good to the slack.
   * That saves reading a sixth row on most pops, and widening the box on some.
   */
  function openNearby(caller: CallerColumns): CaseSummary[] {
    if (caller.lat === null || caller.lon === null) return [];
    const walk: NearbyWalk = { callerId: caller.id, lat: caller.lat, lon: caller.lon, found: [], farthestMeters: 0, read: [] };
    if (!walkNearest(walk, NEARBY_FIRST_RADIUS_M)) walkNearest(walk, NEARBY_RADIUS_M + RTREE_SLACK_M);
    return walk.found
      .sort((a, b) => a.meters - b.meters || b.requestedMs - a.requestedMs)
      .slice(0, NEARBY_LIMIT)
      .map((candidate) => candidate.summary);
  }

  /** True when no case ranked at `nextMeters` or beyond can be among the nearest NEARBY_LIMIT. */
  function settled(walk: NearbyWalk, nextMeters: number): boolean {
    return walk.found.length > NEARBY_LIMIT || (walk.found.length === NEARBY_LIMIT && nextMeters - RTREE_SLACK_M > walk.farthestMeters);
  }

  /** Walks the open cases ranked within `rankRadius`; true once the nearest NEARBY_LIMIT are settled. */
  function walkNearest(walk: NearbyWalk, rankRadius: number): boolean {
    const { lat, lon } = walk;
    const box = boxAround(lat, lon, rankRadius);
    const ranked = (statements.openInBox.all(box.minLat, box.maxLat, box.minLon, box.maxLon) as BoxEntry[])
      .map(([seq, entryLat, entryLon]) => ({ seq, meters: distanceMeters(lat, lon, entryLat, entryLon) }))
      .filter((entry) => entry.meters <= rankRadius)
      .sort((a, b) => a.meters - b.meters);

    // What an earlier, smaller box walked is this ranking's head; should it ever not be, start over.
    let start = walk.read.length;
    if (ranked.length < start || ranked.slice(0, start).some((entry, i) => entry.seq !== walk.read[i])) {
      walk.found = [];
      walk.read = [];
      start = 0;
    }
    for (let i = start; i < ranked.length; i += 1) {
      const entry = ranked[i]!;
      if (settled(walk, entry.meters)) return true;
      walk.read.push(entry.seq);
      const values = statements.caseBySeq.get(entry.seq) as CaseValues | undefined;
      if (!values) continue;
      const summary = toSummary(values);
      if (summary.status === 'closed' || summary.lat === null || summary.lon === null) continue;
      if (summary.callerId === walk.callerId) continue;
      const meters = distanceMeters(lat, lon, summary.lat, summary.lon);
      if (meters > NEARBY_RADIUS_M) continue;
      walk.found.push({ summary, requestedMs: values[REQUESTED_MS], meters });
      walk.farthestMeters = Math.max(walk.farthestMeters, meters);
    }
    // Whatever this box did not rank lies beyond its radius.
    return settled(walk, rankRadius);
  }

  function recordFor(row: CallerRow): CallerRecord {
    const cases = (statements.casesOfCaller.all(row.id, CASES_PER_CALLER_LIMIT) as CaseValues[]).map(toSummary);
    // Below the limit the list holds every case of the caller, so it can be counted here.
    const openCaseCount =
      cases.length < CASES_PER_CALLER_LIMIT
        ? cases.filter((summary) => summary.status !== 'closed').length
        : (statements.openCountOfCaller.get(row.id) as { n: number }).n;
    return {
      caller: callerFromColumns(row, JSON.parse(row.phones_json) as string[]),
      neighborhoodName: row.neighborhood_name,
      cases,
      openCaseCount,
      openNearby: openNearby(row),
    };
  }

  return {
    lookupCaller(phone) {
      const started = performance.now();
      const e164 = toE164(phone);
      const matches = e164 ? (statements.callersByPhone.all(e164) as CallerRow[]).map(recordFor) : [];
      const lookupMs = performance.now() - started;
      for (const match of matches) {
        views?.shown({ entity: 'caller', id: match.caller.id, context: 'screen_pop', nearbyCaseIds: match.openNearby.map((c) => c.id) });
      }
      return { query: phone, e164, matches, lookupMs };
    },
  };
}

interface LookupStatements {
  callersByPhone: Statement;
  casesOfCaller: Statement;
  openCountOfCaller: Statement;
  openInBox: Statement;
  caseBySeq: Statement;
}

function prepare(db: Database): LookupStatements {
  // Rows as arrays (see SERVICE_REQUEST_VALUE_COLUMNS): up to a hundred and six per caller.
  const caseColumns = `${serviceRequestSelectList('sr')}, sr.requested_ms, st.name`;
  return {
    // IN (subquery) rather than a join: a caller may list the same number twice. The caller's
    // numbers come along as one JSON array, in order, saving a statement per caller.
    callersByPhone: db.prepare(`
      SELECT c.*, n.name AS neighborhood_name,
        (SELECT json_group_array(p.e164 ORDER BY p.position) FROM caller_phones p WHERE p.caller_id = c.id) AS phones_json
      FROM callers c
      LEFT JOIN neighborhoods n ON n.id = c.neighborhood_id
      WHERE c.id IN (SELECT caller_id FROM caller_phones WHERE e164 = ?)
      ORDER BY c.updated_at DESC, c.id`),
    casesOfCaller: db.prepare(`
      SELECT ${caseColumns}
      FROM service_requests sr
      LEFT JOIN service_types st ON st.code = sr.service_type_code
      WHERE sr.caller_id = ?
      ORDER BY (sr.status = 'closed'), sr.requested_ms DESC, sr.id
      LIMIT ?`).raw(),
    // Only for callers with more cases than the pop lists.
    openCountOfCaller: db.prepare(`SELECT count(*) AS n FROM service_requests WHERE caller_id = ? AND status != 'closed'`),
    // Overlap tests: the R*Tree rounds its boxes outwards, so none is missed at the edge.
    // Rows as arrays: dozens per lookup, read once each.
    openInBox: db.prepare(`
      SELECT case_seq, min_lat, min_lon
      FROM open_case_locations
      WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?`).raw(),
    caseBySeq: db.prepare(`
      SELECT ${caseColumns}
      FROM service_requests sr
      LEFT JOIN service_types st ON st.code = sr.service_type_code
      WHERE sr.seq = ?`).raw(),
  };
}
