// The cache's caller and case counts (kept by triggers, migration 0080) stay equal to count(*)
// through every way rows arrive and leave: pulled puts, upserts of rows already there, deletes,
// a bulk first sync, eviction of closed cases, and an emptied cache.
import { describe, expect, it } from 'vitest';
import { finishBulkFirstSync, startBulkFirstSync } from '../../../electron/host/cache/first-sync.js';
import { rowStoreFor } from '../../../electron/host/cache/row-store.js';
import { countCachedRows } from '../../../electron/host/cache/sync-state.js';
import { evictClosedCases } from '../../../electron/host/sync/window.js';
import type { RowChange } from '../../../shared/sync-protocol.js';
import { callers, cityChangeLog, serviceRequests } from '../../fixtures/host/city-data.js';
import { applyPullPage, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import { useTempCaches } from '../../fixtures/host/temp-caches.js';

const freshCache = useTempCaches('row-counts');

const counted = (db: CacheDatabase) => ({
  callers: db.prepare('SELECT count(*) FROM callers').pluck().get() as number,
  serviceRequests: db.prepare('SELECT count(*) FROM service_requests').pluck().get() as number,
});

function pull(db: CacheDatabase, changes: RowChange[], cursor: number): void {
  applyPullPage(db, { protocolVersion: 1, cursor, lastMutationId: 0, hasMore: false, headVersion: cursor, changes });
}

describe('cached row counts', () => {
  it('match count(*) after puts, upserts of existing rows, deletes and eviction', () => {
    const db = freshCache();
    expect(countCachedRows(db)).toEqual({ callers: 0, serviceRequests: 0 });
    const log = cityChangeLog();
    pull(db, log, log.length);
    expect(countCachedRows(db)).toEqual({ callers: callers.length, serviceRequests: serviceRequests.length });

    // The same rows again are updates, not arrivals.
    const again = log.map((change, index) => ({ ...change, version: log.length + index + 1 }));
    pull(db, again, log.length * 2);
    expect(countCachedRows(db)).toEqual(counted(db));
    expect(countCachedRows(db).serviceRequests).toBe(serviceRequests.length);

    const version = log.length * 2 + 1;
    pull(db, [
      { op: 'del', entity: 'caller', id: callers[0]!.id, version },
      { op: 'del', entity: 'service_request', id: serviceRequests[0]!.id, version: version + 1 },
    ], version + 1);
    expect(countCachedRows(db)).toEqual({ callers: callers.length - 1, serviceRequests: serviceRequests.length - 1 });

    evictClosedCases(db, Date.parse('2100-01-01T00:00:00Z'));
    expect(countCachedRows(db)).toEqual(counted(db));
    expect(countCachedRows(db).serviceRequests).toBeLessThan(serviceRequests.length - 1);

    db.exec('DELETE FROM caller_phones; DELETE FROM callers; DELETE FROM service_requests');
    expect(countCachedRows(db)).toEqual({ callers: 0, serviceRequests: 0 });
  });

  it('match count(*) through a bulk first sync, which sets indexes aside but not the counting triggers', () => {
    const db = freshCache();
    startBulkFirstSync(db);
    const store = rowStoreFor(db);
    for (const caller of callers) store.put('caller', caller);
    for (const request of serviceRequests) store.put('service_request', request);
    expect(countCachedRows(db)).toEqual({ callers: callers.length, serviceRequests: serviceRequests.length });
    finishBulkFirstSync(db);
    expect(countCachedRows(db)).toEqual(counted(db));
  });
});
