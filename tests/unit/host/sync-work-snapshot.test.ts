// A first sync's snapshot: an empty cache takes each entity's current rows in key order, a page at
// a time and a page ahead, then pulls the log from the head the snapshot began at. Rows written
// meanwhile come again with the log, a cut snapshot resumes at the page after the last one written,
// and a server without the route is pulled from the start of its log instead.
import { describe, expect, it } from 'vitest';
import { DeskFailure } from '../../../shared/errors.js';
import {
  SyncedEntitySchema, type PullRequest, type PullResponse, type RowChange, type SnapshotRequest, type SnapshotResponse, type SyncedEntity,
} from '../../../shared/sync-protocol.js';
import { createSyncWork } from '../../../electron/host/sync/sync-work.js';
import type { ServerSession } from '../../../electron/host/sync/server-session.js';
import type { SyncProgress } from '../../../electron/host/sync/sync-loop.js';
import { readSnapshotPosition } from '../../../electron/host/cache/sync-state.js';
import { applyPullPage, Outbox, readSyncState, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import { cityChangeLog } from '../../fixtures/host/city-data.js';
import { useTempCaches } from '../../fixtures/host/temp-caches.js';

const PAGE = 3;
const NOW = new Date('2025-06-01T12:00:00Z');

type Asked =
  /** `held`: the snapshot position the cache had committed when the request went out. */
  | { kind: 'snapshot'; entity: SyncedEntity; afterId: string | null; held: { entity: SyncedEntity; afterId: string | null } | null }
  | { kind: 'pull'; cursor: number };

interface FakeServerOptions {
  /** 1-based request (snapshot or pull) that is cut. */
  cutAt?: number;
  /** The server predates the snapshot route: it answers 404. */
  noSnapshotRoute?: boolean;
  /** Runs after the nth request is answered: writes that land while the desk syncs. */
  afterRequest?: (n: number, log: RowChange[]) => void;
  /** The server does not count the snapshot's rows (totalRows null): the desk falls back on the log's head. */
  noCount?: boolean;
}

const byKey = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The rows the log holds now: the newest put of each id. */
function currentRows(log: readonly RowChange[], entity: SyncedEntity): RowChange[] {
  const newest = new Map<string, RowChange>();
  for (const change of log) if (change.entity === entity) newest.set(change.id, change);
  return [...newest.values()].sort(byKey);
}

/** A server holding `log`, answering as /sync/snapshot and /sync/pull do. */
function fakeServer(log: RowChange[], db: CacheDatabase, options: FakeServerOptions = {}) {
  const asked: Asked[] = [];
  const answer = <T>(build: () => T): Promise<T> => {
    const n = asked.length;
    if (n === options.cutAt) return Promise.reject(new DeskFailure('SERVER_UNREACHABLE', 'cut'));
    const response = build();
    options.afterRequest?.(n, log);
    return Promise.resolve(response);
  };
  const session = {
    ensureSignedIn: async () => undefined,
    push: async () => {
      throw new Error('nothing to push');
    },
    snapshot(request: SnapshotRequest): Promise<SnapshotResponse> {
      const held = readSnapshotPosition(db);
      asked.push({ kind: 'snapshot', entity: request.entity, afterId: request.afterId, held: held && { entity: held.entity, afterId: held.afterId } });
      if (options.noSnapshotRoute) {
        return Promise.reject(new DeskFailure('SERVER_ERROR', 'no route POST /sync/snapshot', { status: 404, serverCode: 'NOT_FOUND' }));
      }
      return answer(() => {
        const headVersion = log.at(-1)?.version ?? 0;
        const rows = currentRows(log, request.entity).filter((row) => request.afterId === null || row.id > request.afterId);
        const page = rows.slice(0, request.limit ?? PAGE);
        const starts = request.entity === SyncedEntitySchema.options[0] && request.afterId === null;
        const totalRows = starts && !options.noCount ? SyncedEntitySchema.options.reduce((sum, entity) => sum + currentRows(log, entity).length, 0) : null;
        return {
          protocolVersion: 1, entity: request.entity, headVersion, lastMutationId: 0,
          nextAfterId: rows.length > page.length ? (page.at(-1)?.id ?? null) : null, totalRows, changes: structuredClone(page),
        } as SnapshotResponse;
      });
    },
    pull(request: PullRequest): Promise<PullResponse> {
      asked.push({ kind: 'pull', cursor: request.cursor });
      return answer(() => {
        const after = log.filter((change) => change.version > request.cursor);
        const changes = after.slice(0, request.limit ?? PAGE);
        return {
          protocolVersion: 1, cursor: changes.at(-1)?.version ?? request.cursor, lastMutationId: 0, hasMore: after.length > changes.length,
          headVersion: log.at(-1)?.version ?? 0, changes: structuredClone(changes),
        } as PullResponse;
      });
    },
  };
  return { session: session as unknown as ServerSession, asked };
}

function syncWork(db: CacheDatabase, session: ServerSession) {
  return createSyncWork({ db, session, outbox: new Outbox(db, 'demo-calltaker'), clientId: 'desk-snapshot-test', closedCaseDays: 100_000, pageLimit: PAGE, now: () => NOW });
}

/** What a desk shows, independent of the order rows arrived in (cases are numbered on arrival). */
const contents = (db: CacheDatabase) => ({
  callers: db.prepare('SELECT * FROM callers ORDER BY id').all(),
  caller_phones: db.prepare('SELECT * FROM caller_phones ORDER BY caller_id, position').all(),
  service_requests: (db.prepare('SELECT * FROM service_requests ORDER BY id').all() as Array<{ seq: number }>).map(({ seq: _seq, ...row }) => row),
  service_types: db.prepare('SELECT * FROM service_types ORDER BY code').all(),
  neighborhoods: db.prepare('SELECT * FROM neighborhoods ORDER BY id').all(),
  open_case_locations: db.prepare('SELECT s.id, l.min_lat, l.min_lon FROM open_case_locations l JOIN service_requests s ON s.seq = l.case_seq ORDER BY s.id').all(),
});

const emptyCache = useTempCaches('snapshot');

/** The cache a pull of the whole log gives. */
function referenceContents(log: RowChange[]) {
  const db = emptyCache();
  const head = log.at(-1)?.version ?? 0;
  applyPullPage(db, { protocolVersion: 1, cursor: head, lastMutationId: 0, hasMore: false, headVersion: head, changes: log });
  return contents(db);
}

/** The snapshot requests a whole snapshot of `log` makes, in order. */
function snapshotRequests(log: RowChange[]): Array<{ entity: SyncedEntity; afterId: string | null }> {
  return SyncedEntitySchema.options.flatMap((entity) => {
    const rows = currentRows(log, entity);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    return Array.from({ length: pages }, (_, page) => ({ entity, afterId: page === 0 ? null : (rows[page * PAGE - 1]?.id ?? null) }));
  });
}

const snapshotsOf = (asked: Asked[]) => asked.flatMap((a) => (a.kind === 'snapshot' ? [{ entity: a.entity, afterId: a.afterId }] : []));

/** A case edited and a caller added: writes that land on the server while a desk takes its snapshot. */
function writeMeanwhile(log: RowChange[]): void {
  const version = (log.at(-1)?.version ?? 0) + 1;
  const cases = currentRows(log, 'service_request');
  const callers = currentRows(log, 'caller');
  const [firstCase, lastCase] = [cases[0] as RowChange & { op: 'put' }, cases.at(-1) as RowChange & { op: 'put' }];
  const newCaller = { ...(callers[0] as RowChange & { op: 'put' }).row, id: 'ffffffff-0000-4000-8000-000000000001', name: 'Added Meanwhile' };
  log.push(
    { op: 'put', entity: 'service_request', id: firstCase.id, version, row: { ...firstCase.row, description: 'edited after its page was sent' } },
    { op: 'put', entity: 'service_request', id: lastCase.id, version: version + 1, row: { ...lastCase.row, description: 'edited before its page was sent' } },
    { op: 'put', entity: 'caller', id: newCaller.id, version: version + 2, row: newCaller },
  );
}

describe('first sync by snapshot', () => {
  it('takes each entity in key order, a page ahead, then pulls the log from the head its first page saw', async () => {
    const log = cityChangeLog();
    const db = emptyCache();
    const { session, asked } = fakeServer(log, db);
    const updates: SyncProgress[] = [];
    const done = await syncWork(db, session).run((update) => updates.push(update), () => false);

    const expected = snapshotRequests(log);
    expect(snapshotsOf(asked)).toEqual(expected);
    // Each request went out before the page before it was written: the cache held the position
    // two requests back (the position after a page is the request of the page that follows it).
    expect(asked.slice(0, expected.length).map((a) => (a.kind === 'snapshot' ? a.held : 'pull'))).toEqual([null, null, ...expected.slice(1, -1)]);
    expect(asked.slice(expected.length)).toEqual([{ kind: 'pull', cursor: log.length }]);
    expect(done).toMatchObject({ cursor: log.length, caughtUp: true });
    expect(readSnapshotPosition(db)).toBeNull();
    expect(contents(db)).toEqual(referenceContents(log));

    // Rows arrived in key order: the keyed indexes were written as appends.
    const arrival = db.prepare('SELECT id FROM service_requests ORDER BY seq').pluck().all() as string[];
    expect(arrival).toEqual([...arrival].sort());
    // Progress counts the rows up while the cursor waits; the last update is caught up.
    const snapshotUpdates = updates.slice(0, expected.length);
    expect(snapshotUpdates.map((update) => update.cursor)).toEqual([...Array(expected.length - 1).fill(0), log.length]);
    const rows = snapshotUpdates.map((update) => update.backlog?.rows);
    expect(rows).toEqual([...(rows as number[])].sort((a, b) => a - b));
    expect(rows.at(-1)).toBe(log.length);
    expect(snapshotUpdates.every((update) => update.backlog?.totalRows === log.length && !update.caughtUp)).toBe(true);
    expect(updates.at(-1)).toMatchObject({ caughtUp: true, backlog: null });
  });

  it("ends its progress bar at the server's count of rows, which a log of rewritten rows exceeds; resumed, it keeps the count", async () => {
    const log = cityChangeLog();
    const rowCount = log.length;
    // Every case written three times: the head is well past the rows a snapshot brings.
    const cases = currentRows(log, 'service_request') as Array<RowChange & { op: 'put' }>;
    for (const round of [1, 2]) {
      for (const change of cases) log.push({ ...change, version: log.length + 1, row: { ...change.row, description: `rewrite ${round}` } });
    }
    const db = emptyCache();
    const cutAt = 4;
    await expect(syncWork(db, fakeServer(log, db, { cutAt }).session).run(() => undefined, () => false)).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect(readSnapshotPosition(db)).toMatchObject({ asOf: log.length, totalRows: rowCount });

    const updates: SyncProgress[] = [];
    await syncWork(db, fakeServer(log, db).session).run((update) => updates.push(update), () => false);
    const snapshotUpdates = updates.filter((update) => update.backlog !== null);
    expect(snapshotUpdates.length).toBe(snapshotRequests(log).length - (cutAt - 1));
    expect(snapshotUpdates.every((update) => update.backlog?.totalRows === rowCount)).toBe(true);
    expect(snapshotUpdates.at(-1)?.backlog).toMatchObject({ rows: rowCount, totalRows: rowCount, secondsLeft: 0 });
    expect(contents(db)).toEqual(referenceContents(log));
  });

  it("measures against the log's head when the server gives no count", async () => {
    const log = cityChangeLog();
    for (const change of currentRows(log, 'caller') as Array<RowChange & { op: 'put' }>) log.push({ ...change, version: log.length + 1 });
    const db = emptyCache();
    const updates: SyncProgress[] = [];
    await syncWork(db, fakeServer(log, db, { noCount: true }).session).run((update) => updates.push(update), () => false);
    const snapshotUpdates = updates.filter((update) => update.backlog !== null);
    expect(snapshotUpdates.length).toBeGreaterThan(1);
    expect(snapshotUpdates.every((update) => update.backlog?.totalRows === log.length)).toBe(true);
  });

  it('ends exact when rows are written while the snapshot is taken: the log from its first head brings them', async () => {
    const log = cityChangeLog();
    const head = log.length;
    const db = emptyCache();
    // Once the first page of cases is out: one case already sent, one still to come, and a caller
    // whose entity is done.
    const firstCasePage = snapshotRequests(log).findIndex((request) => request.entity === 'service_request') + 1;
    const { session, asked } = fakeServer(log, db, { afterRequest: (n, current) => n === firstCasePage && writeMeanwhile(current) });
    await syncWork(db, session).run(() => undefined, () => false);
    expect(log.length).toBe(head + 3);
    const pulls = asked.filter((a) => a.kind === 'pull');
    expect(pulls[0]).toEqual({ kind: 'pull', cursor: head });
    expect(readSyncState(db).cursor).toBe(head + 3);
    expect(contents(db)).toEqual(referenceContents(log));
    expect(db.prepare('SELECT name FROM callers WHERE id = ?').pluck().get('ffffffff-0000-4000-8000-000000000001')).toBe('Added Meanwhile');
  });

  for (const cutAt of [2, 5, 9]) {
    it(`keeps the pages written before a cut at request ${cutAt} and resumes at the next one`, async () => {
      const log = cityChangeLog();
      const db = emptyCache();
      const cut = fakeServer(log, db, { cutAt });
      await expect(syncWork(db, cut.session).run(() => undefined, () => false)).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
      const expected = snapshotRequests(log);
      const written = cutAt - 1;
      expect(readSyncState(db).cursor).toBe(0);
      expect(readSnapshotPosition(db)).toMatchObject({ ...expected[written], asOf: log.length });

      const resumed = fakeServer(log, db);
      await syncWork(db, resumed.session).run(() => undefined, () => false);
      expect(snapshotsOf(resumed.asked)).toEqual(expected.slice(written));
      expect(readSyncState(db).cursor).toBe(log.length);
      expect(contents(db)).toEqual(referenceContents(log));
    });
  }

  it('pulls the whole log from a server without the snapshot route, and does not ask it again', async () => {
    const log = cityChangeLog();
    const db = emptyCache();
    const old = fakeServer(log, db, { noSnapshotRoute: true });
    const work = syncWork(db, old.session);
    await work.run(() => undefined, () => false);
    expect(old.asked[0]).toMatchObject({ kind: 'snapshot', entity: 'service_type', afterId: null });
    expect(old.asked.slice(1).every((a) => a.kind === 'pull')).toBe(true);
    expect(old.asked[1]).toEqual({ kind: 'pull', cursor: 0 });
    expect(contents(db)).toEqual(referenceContents(log));
  });

  it('falls back to the whole log when the server loses the route half-way, keeping what came', async () => {
    const log = cityChangeLog();
    const db = emptyCache();
    await expect(syncWork(db, fakeServer(log, db, { cutAt: 6 }).session).run(() => undefined, () => false)).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect(readSnapshotPosition(db)).not.toBeNull();
    const downgraded = fakeServer(log, db, { noSnapshotRoute: true });
    await syncWork(db, downgraded.session).run(() => undefined, () => false);
    expect(readSnapshotPosition(db)).toBeNull();
    expect(downgraded.asked[1]).toEqual({ kind: 'pull', cursor: 0 });
    expect(contents(db)).toEqual(referenceContents(log));
  });

  it('asks once and pulls when the server log is empty, leaving nothing to resume', async () => {
    const db = emptyCache();
    const { session, asked } = fakeServer([], db);
    const done = await syncWork(db, session).run(() => undefined, () => false);
    expect(asked).toEqual([{ kind: 'snapshot', entity: 'service_type', afterId: null, held: null }, { kind: 'pull', cursor: 0 }]);
    expect(done).toMatchObject({ cursor: 0, caughtUp: true });
    expect(readSnapshotPosition(db)).toBeNull();
  });
});
