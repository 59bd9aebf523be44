// The desk's view log on a real SQLite cache: a big burst is written as several recordViews
// mutations in one go, a failed write is reported and does not throw, and a closed log takes no more.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLUSH_AFTER_MS, ViewLog } from '../../../electron/host/audit/view-log.js';
import { VIEWS_PER_MUTATION, type RecordView } from '../../../shared/mutations.js';
import { openCache, Outbox, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import { ManualTimers } from '../../fixtures/host/manual-timers.js';
import { uuid } from '../../fixtures/host/city-data.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

let db: CacheDatabase;
let outbox: Outbox;
let timers: ManualTimers;
const rows = () => db.prepare("SELECT mutation_id AS id, args FROM outbox WHERE name = 'recordViews' ORDER BY mutation_id").all() as Array<{ id: number; args: string }>;

beforeEach(() => {
  db = openCache(path.join(makeTempDir('view-log'), 'cache.sqlite'));
  outbox = new Outbox(db, 'demo-calltaker');
  timers = new ManualTimers();
});
afterEach(() => {
  if (db.open) db.close();
  removeTempDirs();
});

describe('view log', () => {
  it('writes a burst larger than one mutation holds as several, in the order seen', async () => {
    const views = new ViewLog({ outbox, timers });
    const count = VIEWS_PER_MUTATION * 2 + 7;
    for (let i = 0; i < count; i += 1) views.shown({ entity: 'case', id: uuid(1000 + i), context: 'case_detail' });
    expect(rows()).toEqual([]);
    expect(timers.armed()).toEqual([FLUSH_AFTER_MS]);
    await timers.advance(FLUSH_AFTER_MS);
    const written = rows().map((row) => (JSON.parse(row.args) as { views: RecordView[] }).views);
    expect(written.map((batch) => batch.length)).toEqual([VIEWS_PER_MUTATION, VIEWS_PER_MUTATION, 7]);
    expect(written.flat().map((view) => ('id' in view ? view.id : null))).toEqual(Array.from({ length: count }, (_, i) => uuid(1000 + i)));
    expect(outbox.list()).toEqual([]);
    expect(timers.armed()).toEqual([]);
  });

  it('reports a write that fails instead of throwing, and records nothing once closed', () => {
    const problems: string[] = [];
    const views = new ViewLog({ outbox, timers, log: (message) => problems.push(message) });
    views.shown({ entity: 'case', id: uuid(1), context: 'case_detail' });
    db.close();
    expect(views.flush()).toBe(0);
    expect(problems).toEqual([expect.stringMatching(/^1 record view\(s\) could not be saved/)]);
    views.close();
    views.shown({ entity: 'case', id: uuid(2), context: 'case_detail' });
    expect(timers.armed()).toEqual([]);
  });
});
