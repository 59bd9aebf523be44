// The window of cases a desk holds: open ones always, closed ones only while recently closed;
// a case that local mutations touch is never evicted under them.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPullPage, evictClosedCases, openCache, Outbox, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import { cityChangeLog, uuid } from '../../fixtures/host/city-data.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

let db: CacheDatabase;
const ids = () => (db.prepare('SELECT id FROM service_requests ORDER BY id').pluck().all() as string[]);
beforeEach(() => {
  db = openCache(path.join(makeTempDir('window'), 'cache.sqlite'));
});
afterEach(() => {
  db.close();
  removeTempDirs();
});

describe('closed-case window', () => {
  it('does not store closed cases closed before the cutoff, and keeps every open one', () => {
    const changes = cityChangeLog();
    // Case 1 closed 2025-06-01, case 5 closed 2025-05-02.
    applyPullPage(db, { protocolVersion: 1, cursor: 17, lastMutationId: 0, hasMore: false, headVersion: 17, changes }, { closedBeforeMs: Date.parse('2025-05-15T00:00:00Z') });
    expect(ids()).toContain(uuid(101));
    expect(ids()).not.toContain(uuid(105));
    expect(ids()).toHaveLength(7);
  });

  it('evicts cases that aged out, with their notes, but not one a pending mutation touches', () => {
    const changes = cityChangeLog();
    applyPullPage(db, { protocolVersion: 1, cursor: 17, lastMutationId: 0, hasMore: false, headVersion: 17, changes });
    const outbox = new Outbox(db, 'demo-calltaker');
    outbox.record('addNote', { id: uuid(700), caseId: uuid(105), text: 'Resident asked for an update' }, '2025-06-02T00:00:00Z');
    db.prepare(`INSERT INTO case_notes (id, case_id, text, author_agent_id, created_at) VALUES (?, ?, 'old note', 'someone', '2025-06-01T00:00:00Z')`).run(uuid(701), uuid(101));

    expect(evictClosedCases(db, Date.parse('2025-07-01T00:00:00Z'))).toBe(1);
    expect(ids()).not.toContain(uuid(101));
    expect(ids()).toContain(uuid(105));
    expect(db.prepare('SELECT count(*) FROM case_notes WHERE case_id = ?').pluck().get(uuid(101))).toBe(0);
    expect(ids().filter((id) => [uuid(102), uuid(103), uuid(104)].includes(id))).toHaveLength(3);
  });
});
