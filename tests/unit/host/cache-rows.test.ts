// The two ways of reading a case from the cache agree: rows selected as arrays for the screen pop
// (`serviceRequestFromValues`) map to the same record as named rows (`serviceRequestFromColumns`).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICE_REQUEST_VALUE_COLUMNS, serviceRequestFromColumns, serviceRequestFromValues, serviceRequestSelectList,
  type ServiceRequestColumns, type ServiceRequestValues,
} from '../../../electron/host/cache/rows.js';
import { cityChangeLog, serviceRequests } from '../../fixtures/host/city-data.js';
import { applyPullPage, openCache, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

let db: CacheDatabase;

beforeAll(() => {
  db = openCache(path.join(makeTempDir('cache-rows'), 'cache.sqlite'));
  const changes = cityChangeLog();
  // One case with every optional field set, so no column is only ever compared as null.
  const last = changes.at(-1)!;
  const full = { ...serviceRequests[0]!, id: '0190f3a4-0000-7000-8000-0000000000ff', reference: 'SR-FULL', provisionalReference: 'P-7K3M-9QXT', fieldVersions: { status: 4, description: 2 } };
  changes.push({ op: 'put', entity: 'service_request', id: full.id, version: last.version + 1, row: { ...full } });
  applyPullPage(db, { protocolVersion: 1, cursor: changes.length, lastMutationId: 0, hasMore: false, headVersion: changes.length, changes });
});

afterAll(() => {
  db.close();
  removeTempDirs();
});

describe('serviceRequestFromValues', () => {
  it('maps every cached case exactly as serviceRequestFromColumns does', () => {
    const named = db.prepare('SELECT * FROM service_requests ORDER BY seq').all() as ServiceRequestColumns[];
    const values = db.prepare(`SELECT ${serviceRequestSelectList('sr')} FROM service_requests sr ORDER BY sr.seq`).raw().all() as ServiceRequestValues[];
    expect(named.length).toBe(serviceRequests.length + 1);
    expect(values.map((row) => serviceRequestFromValues(row))).toEqual(named.map(serviceRequestFromColumns));
    expect(values.map((row) => serviceRequestFromValues(row)).find((request) => request.reference === 'SR-FULL')).toMatchObject({
      provisionalReference: 'P-7K3M-9QXT', fieldVersions: { status: 4, description: 2 }, closedAt: serviceRequests[0]!.closedAt,
    });
  });

  it('reads every column of the table but the derived ones, so a new column cannot be left out', () => {
    const columns = (db.prepare('PRAGMA table_info(service_requests)').all() as { name: string }[]).map((column) => column.name);
    const derived = ['seq', 'requested_ms', 'closed_ms'];
    expect([...SERVICE_REQUEST_VALUE_COLUMNS].sort()).toEqual(columns.filter((name) => !derived.includes(name)).sort());
  });

  it('ignores columns selected after its own', () => {
    const [row] = db.prepare(`SELECT ${serviceRequestSelectList('sr')}, sr.requested_ms, 'extra' FROM service_requests sr ORDER BY sr.seq LIMIT 1`).raw().all() as [...ServiceRequestValues, number, string][];
    expect(serviceRequestFromValues(row!)).toEqual(serviceRequestFromColumns(db.prepare('SELECT * FROM service_requests ORDER BY seq LIMIT 1').get() as ServiceRequestColumns));
  });
});
