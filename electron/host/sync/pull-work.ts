// The pull half of a sync cycle: sign in if needed, then fetch pages from the cache's cursor
// and apply each one, until the server says there is no more.
import type { Database } from 'better-sqlite3';
import { DeskFailure } from '../../../shared/errors.js';
import { SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION } from '../../../shared/sync-protocol.js';
import { countCachedRows, readSyncState } from '../cache/sync-state.js';
import { applyPullPage } from './apply-pull-page.js';
import type { ServerSession } from './server-session.js';
import type { SyncProgress, SyncWork } from './sync-loop.js';

export interface PullWorkOptions {
  db: Database;
  session: ServerSession;
  clientId: string;
  pageLimit?: number;
  now: () => Date;
}

export function createPullWork(options: PullWorkOptions): SyncWork {
  const { db, session, clientId, now } = options;
  const limit = options.pageLimit ?? 2_000;
  return {
    async run(progress, isClosed) {
      await session.ensureSignedIn();
      if (isClosed()) return null;
      let state = readSyncState(db);
      let rowsInCache = countCachedRows(db);
      for (;;) {
        const page = await session.pull({ protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId, cursor: state.cursor, limit });
        if (isClosed()) return null;
        if (page.hasMore && page.cursor <= state.cursor) {
          throw new DeskFailure('SERVER_ERROR', `The server said there is more after cursor ${state.cursor} but did not advance it.`);
        }
        const unchanged = page.changes.length === 0 && page.cursor === state.cursor && page.headVersion === state.headVersion && page.lastMutationId === state.lastMutationId;
        if (!unchanged) {
          applyPullPage(db, page, { syncedAt: now().toISOString() });
          if (page.changes.length > 0) rowsInCache = countCachedRows(db);
          state = { ...state, cursor: page.cursor, headVersion: page.headVersion, lastMutationId: page.lastMutationId };
        }
        const update: SyncProgress = { cursor: state.cursor, headVersion: state.headVersion, rowsInCache, caughtUp: !page.hasMore };
        progress(update);
        if (!page.hasMore) return update;
      }
    },
  };
}
