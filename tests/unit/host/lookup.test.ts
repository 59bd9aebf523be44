// The screen pop against a real SQLite cache filled through applyPullPage.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPullPage, createCallerLookup, openCache, type CacheDatabase, type CallerLookup } from '../../fixtures/host/desk-host.js';
import { ScreenPopSchema } from '../../../shared/desk-api.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { RowChange } from '../../../shared/sync-protocol.js';
import { cityChangeLog, HOUSEHOLD_PHONE, NEIGHBOUR_PHONE, serviceRequests, uuid } from '../../fixtures/host/city-data.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

let db: CacheDatabase;
let lookup: CallerLookup;

beforeAll(() => {
  db = openCache(path.join(makeTempDir('lookup'), 'cache.sqlite'));
  const changes = cityChangeLog();
  applyPullPage(db, { protocolVersion: 1, cursor: changes.length, lastMutationId: 0, hasMore: false, headVersion: changes.length, changes });
  lookup = createCallerLookup(db);
});

afterAll(() => {
  db.close();
  removeTempDirs();
});

describe('lookupCaller', () => {
  it.each(['+12155550177', '215-555-0177', '(215) 555-0177', '1 215 555 0177', '+1 215.555.0177'])('finds the caller dialled as %s', (phone) => {
    const pop = ScreenPopSchema.parse(lookup.lookupCaller(phone));
    expect(pop.query).toBe(phone);
    expect(pop.e164).toBe(NEIGHBOUR_PHONE);
    expect(pop.matches.map((match) => match.caller.name)).toEqual(['Dana Whitfield']);
    expect(pop.lookupMs).toBeGreaterThanOrEqual(0);
  });

  it('returns every caller sharing a number, each with their own phones', () => {
    const pop = lookup.lookupCaller(HOUSEHOLD_PHONE);
    expect(pop.matches.map((match) => match.caller.name).sort()).toEqual(['Jose Gonzalez', 'Maria Gonzalez']);
    const jose = pop.matches.find((match) => match.caller.name === 'Jose Gonzalez');
    expect(jose?.caller.phones).toEqual([HOUSEHOLD_PHONE, '+12675550199']);
    expect(jose?.caller.preferredLanguage).toBe('es');
    expect(jose?.neighborhoodName).toBe('Fishtown');
  });

  it('answers an unknown number with no matches', () => {
    const pop = lookup.lookupCaller('+1 215 555 0999');
    expect(pop.e164).toBe('+12155550999');
    expect(pop.matches).toEqual([]);
  });

  it.each(['anonymous', 'client:agent-7', '12'])('treats %s as an unknown caller, not an error', (phone) => {
    const pop = lookup.lookupCaller(phone);
    expect(pop).toMatchObject({ query: phone, e164: null, matches: [] });
  });

  it('lists open cases first, newest first within each group, with service type names', () => {
    const maria = lookup.lookupCaller(HOUSEHOLD_PHONE).matches.find((match) => match.caller.id === uuid(1));
    expect(maria?.cases.map((c) => c.reference)).toEqual(['SR-2025-000003', 'SR-2025-000002', 'SR-2025-000001']);
    expect(maria?.cases.map((c) => c.status)).toEqual(['in_progress', 'open', 'closed']);
    expect(maria?.cases[1]?.serviceTypeName).toBe('Pothole Repair');
    expect(maria?.openCaseCount).toBe(2);
  });

  it('shows open cases of others nearby: not the caller own, not closed ones, not far ones', () => {
    const maria = lookup.lookupCaller(HOUSEHOLD_PHONE).matches.find((match) => match.caller.id === uuid(1));
    // Case 4 (neighbour, ≈110 m) before case 6 (anonymous, ≈200 m); 5 is closed, 7 is ≈310 m, 8 is across town.
    expect(maria?.openNearby.map((c) => c.reference)).toEqual(['SR-2025-000004', 'SR-2025-000006']);
    expect(maria?.openNearby[0]?.serviceTypeName).toBe('Abandoned Vehicle');

    const dana = lookup.lookupCaller(NEIGHBOUR_PHONE).matches[0];
    expect(dana?.openNearby.map((c) => c.reference)).not.toContain('SR-2025-000004');
    expect(dana?.openNearby.map((c) => c.reference)).toEqual(expect.arrayContaining(['SR-2025-000002', 'SR-2025-000003']));
  });

  it('uses the indexes for the phone and nearby queries', () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
    expect(plan("SELECT caller_id FROM caller_phones WHERE e164 = '+12155550142'")).toContain('caller_phones_by_e164');
    const nearby = plan('SELECT case_seq FROM open_case_locations WHERE max_lat >= 1 AND min_lat <= 2 AND max_lon >= 1 AND min_lon <= 2');
    expect(nearby).toMatch(/VIRTUAL TABLE INDEX \d+:[A-Z]/);
  });
});

describe('lookupCaller openNearby on a busy block', () => {
  it('keeps the five nearest open cases, nearest first', () => {
    const busy = openCache(path.join(makeTempDir('busy'), 'cache.sqlite'));
    try {
      const changes = cityChangeLog();
      const sam = serviceRequests.find((request) => request.id === uuid(108)) as ServiceRequest;
      // Seven anonymous reports walking north from Sam Okafor's door, 30 m apart.
      const extra: RowChange[] = [7, 3, 5, 1, 6, 2, 4].map((step, index) => {
        const id = uuid(500 + step);
        const row = { ...sam, id, reference: `SR-BUSY-${step}`, callerId: null, lat: (sam.lat as number) + step * 0.00027 };
        return { op: 'put', entity: 'service_request', id, version: changes.length + index + 1, row };
      });
      applyPullPage(busy, { protocolVersion: 1, cursor: 100, lastMutationId: 0, hasMore: false, headVersion: 100, changes: [...changes, ...extra] });
      const pop = createCallerLookup(busy).lookupCaller('+12155550300');
      expect(pop.matches[0]?.openNearby.map((c) => c.reference)).toEqual(['SR-BUSY-1', 'SR-BUSY-2', 'SR-BUSY-3', 'SR-BUSY-4', 'SR-BUSY-5']);
    } finally {
      busy.close();
    }
  });
});
