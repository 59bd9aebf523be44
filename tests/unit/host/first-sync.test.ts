// The bulk phase of a first sync on a real SQLite file: when it may start, what it sets aside and
// keeps, and that finishing it restores exactly the schema it started from.
import { describe, expect, it } from 'vitest';
import {
  canStartBulkFirstSync, finishBulkFirstSync, readFirstSyncPhase, startBulkFirstSync,
} from '../../../electron/host/cache/first-sync.js';
import { CACHE_SIZE_KIB, DEFAULT_CHECKPOINT_PAGES, type CacheDatabase } from '../../../electron/host/cache/open-cache.js';
import { rowStoreFor } from '../../../electron/host/cache/row-store.js';
import { useTempCaches } from '../../fixtures/host/temp-caches.js';

const freshCache = useTempCaches('first-sync');

const schemaOf = (db: CacheDatabase) =>
  db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
const indexesOf = (db: CacheDatabase, table: string) =>
  db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").pluck().all(table) as string[];

describe('bulk first sync phase', () => {
  it('sets the case, note and conflict indexes aside, keeps the phone index, map and row-count triggers, and puts them back', () => {
    const db = freshCache();
    const before = schemaOf(db);
    expect(canStartBulkFirstSync(db)).toBe(true);

    const setAside = startBulkFirstSync(db);
    expect(readFirstSyncPhase(db)).toBe('bulk');
    expect(setAside).toBeGreaterThanOrEqual(6);
    expect(indexesOf(db, 'service_requests')).toEqual([]);
    expect(indexesOf(db, 'case_notes')).toEqual([]);
    expect(indexesOf(db, 'caller_phones')).toEqual(['caller_phones_by_e164']);
    const triggers = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").pluck().all();
    expect(triggers).toEqual([
      'open_case_locations_after_delete', 'open_case_locations_after_insert', 'open_case_locations_after_update',
      'row_counts_callers_delete', 'row_counts_callers_insert', 'row_counts_service_requests_delete', 'row_counts_service_requests_insert',
    ]);
    // Only once per cache: a second start is refused while in the bulk phase.
    expect(canStartBulkFirstSync(db)).toBe(false);

    expect(finishBulkFirstSync(db)).toBe(setAside);
    expect(readFirstSyncPhase(db)).toBeNull();
    expect(schemaOf(db)).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM first_sync_deferred').pluck().get()).toBe(0);
  });

  it('borrows a larger page cache and a longer WAL for the bulk phase and gives them back before building the indexes', () => {
    const db = freshCache();
    const settings = () => ({ cacheKib: -(db.pragma('cache_size', { simple: true }) as number), checkpoint: db.pragma('wal_autocheckpoint', { simple: true }) });
    expect(settings()).toEqual({ cacheKib: CACHE_SIZE_KIB, checkpoint: DEFAULT_CHECKPOINT_PAGES });
    startBulkFirstSync(db);
    const bulk = settings();
    expect(bulk.cacheKib).toBeGreaterThan(CACHE_SIZE_KIB);
    expect(bulk.checkpoint).toBeGreaterThan(DEFAULT_CHECKPOINT_PAGES);
    // The sorter of CREATE INDEX may take as much memory again as the cache: it runs at the everyday size.
    let cacheKibWhileBuilding = 0;
    finishBulkFirstSync(db, () => (cacheKibWhileBuilding ||= settings().cacheKib));
    expect(cacheKibWhileBuilding).toBe(CACHE_SIZE_KIB);
    expect(settings()).toEqual({ cacheKib: CACHE_SIZE_KIB, checkpoint: DEFAULT_CHECKPOINT_PAGES });
  });

  it('is refused for a cache that has pulled before or holds rows', () => {
    const pulled = freshCache();
    pulled.prepare('UPDATE sync_state SET cursor = 5').run();
    expect(canStartBulkFirstSync(pulled)).toBe(false);

    const holding = freshCache();
    rowStoreFor(holding).put('caller', {
      id: '0190d2c6-8a2b-7b3c-9d4e-5f6a7b8c9d0e', name: 'Denise Whitfield', phones: ['+12155550142'], email: null, address: null,
      zipcode: null, neighborhoodId: null, lat: null, lon: null, preferredLanguage: 'en',
      createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T10:00:00.000Z',
    });
    expect(canStartBulkFirstSync(holding)).toBe(false);
    expect(canStartBulkFirstSync(freshCache())).toBe(true);
  });
});
