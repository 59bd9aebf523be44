// The pull pipeline of a sync cycle: the next page is asked for (and on its way) before the
// current one is written, pages land in version order, and a pull cut half-way leaves the pages
// written so far, from which the next cycle resumes to the same cache as an uncut sync. (A first
// sync's snapshot is off here: sync-work-snapshot.test.ts covers it.)
import { describe, expect, it } from 'vitest';
import { DeskFailure } from '../../../shared/errors.js';
import type { PullRequest, PullResponse, RowChange } from '../../../shared/sync-protocol.js';
import { createSyncWork } from '../../../electron/host/sync/sync-work.js';
import type { ServerSession } from '../../../electron/host/sync/server-session.js';
import { applyPullPage, Outbox, readSyncState, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import { cityChangeLog } from '../../fixtures/host/city-data.js';
import { useTempCaches } from '../../fixtures/host/temp-caches.js';

const PAGE = 3;
const NOW = new Date('2025-06-01T12:00:00Z');
const TABLES = ['callers', 'caller_phones', 'service_requests', 'service_types', 'neighborhoods', 'open_case_locations'];

interface PullSeen {
  cursor: number;
  /** The cache's cursor when the pull was asked for: one page behind when it was asked ahead. */
  cacheCursor: number;
  /** Set two event-loop turns after the call: by then fetch has the request on the wire. */
  sent: boolean;
}

/** A server holding `log`, answering pulls as /sync/pull does; `failPull` (1-based) is cut. */
function fakeServer(db: CacheDatabase, log: RowChange[], failPull?: number) {
  const pulls: PullSeen[] = [];
  const session = {
    ensureSignedIn: async () => undefined,
    push: async () => {
      throw new Error('nothing to push');
    },
    pull(request: PullRequest): Promise<PullResponse> {
      const seen: PullSeen = { cursor: request.cursor, cacheCursor: readSyncState(db).cursor, sent: false };
      pulls.push(seen);
      setImmediate(() => setImmediate(() => (seen.sent = true)));
      if (pulls.length === failPull) return Promise.reject(new DeskFailure('SERVER_UNREACHABLE', 'cut'));
      const after = log.filter((change) => change.version > request.cursor);
      const changes = after.slice(0, request.limit ?? PAGE);
      return Promise.resolve({
        protocolVersion: 1, cursor: changes.at(-1)?.version ?? request.cursor, lastMutationId: 0, hasMore: after.length > changes.length,
        headVersion: log.at(-1)?.version ?? 0, changes: structuredClone(changes),
      });
    },
  };
  return { session: session as unknown as ServerSession, pulls };
}

function syncWork(db: CacheDatabase, session: ServerSession) {
  return createSyncWork({ db, session, outbox: new Outbox(db, 'demo-calltaker'), clientId: 'desk-pipeline-test', closedCaseDays: 100_000, pageLimit: PAGE, snapshot: false, now: () => NOW });
}

const contents = (db: CacheDatabase) => Object.fromEntries(TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));

const emptyCache = useTempCaches('pipeline');

function referenceCache(log: RowChange[]): CacheDatabase {
  const db = emptyCache();
  applyPullPage(db, { protocolVersion: 1, cursor: log.length, lastMutationId: 0, hasMore: false, headVersion: log.length, changes: log });
  return db;
}


describe('sync work pull pipeline', () => {
  it('asks for the next page before writing the current one, and writes pages in version order', async () => {
    const log = cityChangeLog();
    const db = emptyCache();
    const { session, pulls } = fakeServer(db, log);
    const progress: Array<{ cursor: number; nextSent: boolean | null }> = [];
    await syncWork(db, session).run((update) => {
      // Reported right after a page is written: the pull for the one after it is already out.
      progress.push({ cursor: update.cursor, nextSent: update.caughtUp ? null : (pulls.at(-1)?.sent ?? false) });
    }, () => false);

    const cursors = Array.from({ length: Math.ceil(log.length / PAGE) }, (_, page) => Math.min((page + 1) * PAGE, log.length));
    expect(pulls.map((pull) => pull.cursor)).toEqual([0, ...cursors.slice(0, -1)]);
    // Each pull after the first went out while the page before it was still unwritten.
    expect(pulls.map((pull) => pull.cacheCursor)).toEqual([0, 0, ...cursors.slice(0, -2)]);
    expect(progress).toEqual(cursors.map((cursor, page) => ({ cursor, nextSent: page < cursors.length - 1 ? true : null })));
    expect(contents(db)).toEqual(contents(referenceCache(log)));
  });

  for (const failPull of [2, 3, 5]) {
    it(`keeps the pages written before a cut at pull ${failPull}, and the next cycle resumes from them`, async () => {
      const log = cityChangeLog();
      const db = emptyCache();
      const cut = fakeServer(db, log, failPull);
      await expect(syncWork(db, cut.session).run(() => undefined, () => false)).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
      // Pages before the failed one are written, with their cursor; nothing of the ones after.
      const written = (failPull - 1) * PAGE;
      expect(readSyncState(db).cursor).toBe(written);
      const ids = new Set(log.filter((change) => change.version <= written && change.entity === 'service_request').map((change) => change.id));
      expect(new Set(db.prepare('SELECT id FROM service_requests').pluck().all())).toEqual(ids);

      const resumed = fakeServer(db, log);
      const done = await syncWork(db, resumed.session).run(() => undefined, () => false);
      expect(resumed.pulls[0]?.cursor).toBe(written);
      expect(done).toMatchObject({ cursor: log.length, caughtUp: true });
      expect(contents(db)).toEqual(contents(referenceCache(log)));
    });
  }
});
