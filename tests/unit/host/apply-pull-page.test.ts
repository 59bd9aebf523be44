// applyPullPage: rows and cursor land together, deletes cascade, and a bad row changes nothing.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPullPage, openCache, readSyncState, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import type { PullResponse, RowChange } from '../../../shared/sync-protocol.js';
import { cityChangeLog, uuid } from '../../fixtures/host/city-data.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

let db: CacheDatabase;
const page = (changes: RowChange[], cursor: number): PullResponse => ({ protocolVersion: 1, cursor, lastMutationId: 0, hasMore: false, headVersion: 40, changes });
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeEach(() => {
  db = openCache(path.join(makeTempDir('apply'), 'cache.sqlite'));
});
afterEach(() => {
  db.close();
  removeTempDirs();
});

describe('applyPullPage', () => {
  it('writes the rows and the cursor in one go', () => {
    const changes = cityChangeLog();
    const applied = applyPullPage(db, page(changes, 20), { syncedAt: '2025-06-01T12:00:00Z' });
    expect(applied).toMatchObject({ puts: changes.length, deletes: 0, cursor: 20, headVersion: 40 });
    expect(count('callers')).toBe(4);
    expect(count('caller_phones')).toBe(5);
    expect(count('service_requests')).toBe(8);
    expect(readSyncState(db)).toMatchObject({ cursor: 20, headVersion: 40, lastSyncedAt: '2025-06-01T12:00:00Z' });
  });

  it('replaces a caller phones on update and removes them with the caller', () => {
    const changes = cityChangeLog();
    applyPullPage(db, page(changes, 20));
    const jose = changes.find((change) => change.id === uuid(2)) as Extract<RowChange, { op: 'put' }>;
    applyPullPage(db, page([{ ...jose, version: 21, row: { ...jose.row, phones: ['+12675550199'] } }], 21));
    expect(db.prepare('SELECT e164 FROM caller_phones WHERE caller_id = ?').all(uuid(2))).toEqual([{ e164: '+12675550199' }]);

    applyPullPage(db, page([{ op: 'del', entity: 'caller', id: uuid(2), version: 22 }], 22));
    expect(db.prepare('SELECT count(*) AS n FROM caller_phones WHERE caller_id = ?').get(uuid(2))).toEqual({ n: 0 });
    expect(count('callers')).toBe(3);
  });

  it('refuses a page with an invalid row with SERVER_ERROR and leaves the cache and cursor alone', () => {
    const changes = cityChangeLog();
    applyPullPage(db, page(changes.slice(0, 5), 5));
    const bad = changes.slice(5).map((change, index) =>
      index === 3 && change.op === 'put' ? { ...change, row: { ...change.row, phones: ['not-a-number'] } } : change,
    );
    expect(() => applyPullPage(db, page(bad, 20))).toThrow(expect.objectContaining({ code: 'SERVER_ERROR' }));
    expect(count('callers')).toBe(0);
    expect(readSyncState(db).cursor).toBe(5);
  });

  it('refuses a change whose row belongs to another id', () => {
    const [first] = cityChangeLog();
    expect(() => applyPullPage(db, page([{ ...(first as RowChange), id: 'someone-else' }], 1))).toThrow(expect.objectContaining({ code: 'SERVER_ERROR' }));
    expect(readSyncState(db).cursor).toBe(0);
  });
});
