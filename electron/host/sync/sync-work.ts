// One sync cycle: sign in, push the outbox in order and in batches, then pull pages from the
// cache's cursor, applying each (and rebasing the outbox on it) in its own transaction. No
// transaction is ever held across a request. A cache that has pulled nothing yet first takes the
// server's snapshot: the current rows entity by entity in key order, so an empty cache writes its
// keyed indexes as appends, then pulls the log from where the snapshot began.
import type { CacheDatabase as Database } from '../cache/open-cache.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { BACKGROUND_MUTATIONS, type MutationResult } from '../../../shared/mutations.js';
import {
  SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION, SyncedEntitySchema,
  type PullResponse, type SnapshotResponse, type SyncedEntity,
} from '../../../shared/sync-protocol.js';
import { readMeta, writeMeta } from '../cache/meta.js';
import { canStartBulkFirstSync, finishBulkFirstSync, readFirstSyncPhase, startBulkFirstSync } from '../cache/first-sync.js';
import {
  countCachedRows, countLocal, readSnapshotPosition, readSyncState, saveSnapshotPosition, type SnapshotPosition,
} from '../cache/sync-state.js';
import { LAST_ISSUED_KEY, PUSH_BATCH_LIMIT, type Outbox } from '../outbox/outbox.js';
import { applyPullPage } from './apply-pull-page.js';
import type { ServerSession } from './server-session.js';
import type { SyncProgress, SyncWork } from './sync-loop.js';
import { closedCutoffMs, evictClosedCases } from './window.js';

export interface SyncWorkOptions {
  db: Database;
  session: ServerSession;
  outbox: Outbox;
  clientId: string;
  closedCaseDays: number;
  pageLimit?: number;
  /** A first sync into an empty cache sets the case indexes aside until caught up (default true). */
  bulkFirstSync?: boolean;
  /** A cache that has pulled nothing takes the server's snapshot before the log (default true). */
  snapshot?: boolean;
  now: () => Date;
  /** The server answered a push. */
  onResults?: (results: MutationResult[]) => void;
  /** Local rows of these cases changed (pulled or rebased). */
  onCasesChanged?: (caseIds: string[]) => void;
  log?: (message: string) => void;
}

/** Event-loop turns fetch needs to put a request on a kept-alive connection (two, measured), and one to spare. */
const REQUEST_SEND_TURNS = 3;

export function createSyncWork(options: SyncWorkOptions): SyncWork {
  const { db, session, outbox, clientId, now } = options;
  const limit = options.pageLimit ?? 2_000;
  const base = { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId } as const;

  async function push(isClosed: () => boolean): Promise<boolean> {
    for (;;) {
      const batch = outbox.nextBatch(PUSH_BATCH_LIMIT);
      if (batch.length === 0) return true;
      const response = await session.push({ ...base, mutations: batch });
      if (isClosed()) return false;
      outbox.recordResults(response.results);
      // Background mutations (view audits) are not the agent's work: their results are not shown.
      const background = new Set(batch.filter((mutation) => BACKGROUND_MUTATIONS.includes(mutation.name)).map((mutation) => mutation.id));
      const shown = response.results.filter((result) => !background.has(result.id));
      if (shown.length > 0) options.onResults?.(shown);
      if (batch.length < PUSH_BATCH_LIMIT) return true;
    }
  }

  // A server without the snapshot route (older than this desk) is asked once per run of the host.
  let snapshotAvailable = options.snapshot !== false;

  /** Applies a page, rebasing the outbox on it when it holds work; `saveWith` commits with it. */
  function apply(page: PullResponse, isLast: boolean, saveWith?: () => void): void {
    const rebase = outbox.hasWork();
    const applied = applyPullPage(db, page, {
      syncedAt: now().toISOString(),
      closedBeforeMs: closedCutoffMs(now(), options.closedCaseDays),
      // Confirmed mutations leave only on the last page: their rows may be in later ones.
      afterRows: rebase ? ({ touched }) => outbox.rebase(page.lastMutationId, isLast, touched) : undefined,
      saveWith,
    });
    raiseIssuedFloor(db, page.lastMutationId);
    if (applied.caseIds.length > 0) options.onCasesChanged?.(applied.caseIds);
  }

  /**
   * Takes the snapshot page by page, resuming where a cut one stopped. On its last page the cursor
   * becomes the head its first page reported, and the pull replays the log from there. False when
   * closed mid-way.
   */
  async function snapshot(progress: (update: SyncProgress) => void, isClosed: () => boolean): Promise<boolean> {
    const kept = readSnapshotPosition(db);
    let at: { entity: SyncedEntity; afterId: string | null } = kept ?? { entity: SNAPSHOT_ENTITIES[0] as SyncedEntity, afterId: null };
    let asOf = kept?.asOf ?? null;
    let rows = kept?.rows ?? 0;
    let totalRows = kept?.totalRows ?? null;
    const start = { rows, at: now().getTime() };
    const ask = (from: typeof at): Promise<SnapshotResponse> => session.snapshot({ ...base, entity: from.entity, afterId: from.afterId, limit });
    let next = ask(at);
    for (;;) {
      let page: SnapshotResponse;
      try {
        page = await next;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        // What a cut snapshot brought stays: the log's puts upsert over it.
        if (asOf !== null) db.transaction(() => saveSnapshotPosition(db, null)).immediate();
        snapshotAvailable = false;
        options.log?.('The server has no snapshot route: the first sync pulls the whole log.');
        return true;
      }
      if (isClosed()) return false;
      // An empty log: nothing to take, and the pull has nothing either.
      if (asOf === null && page.headVersion === 0) return true;
      const firstPage = asOf === null;
      asOf ??= page.headVersion;
      totalRows ??= page.totalRows;
      const following = followingPage(at.entity, page.nextAfterId);
      if (following) {
        next = ask(following);
        next.catch(() => undefined);
        await requestSent();
        if (isClosed()) return false;
      }
      if (firstPage && page.headVersion > limit && options.bulkFirstSync !== false && canStartBulkFirstSync(db)) {
        const setAside = startBulkFirstSync(db);
        options.log?.(`First sync of ${page.headVersion} changes into an empty cache: ${setAside} indexes set aside until caught up.`);
      }
      rows += page.changes.length;
      const position: SnapshotPosition | null = following ? { ...following, asOf, rows, totalRows } : null;
      apply(
        { protocolVersion: page.protocolVersion, cursor: following ? 0 : asOf, headVersion: page.headVersion, lastMutationId: page.lastMutationId, hasMore: true, changes: page.changes },
        false,
        () => saveSnapshotPosition(db, position),
      );
      // The server's count when it gave one; else the log's head, which counts every write.
      const total = Math.max(rows, totalRows ?? page.headVersion);
      const rate = (rows - start.rows) / Math.max(0.001, (now().getTime() - start.at) / 1000);
      progress({
        cursor: following ? 0 : asOf, headVersion: page.headVersion, rowsInCache: countCachedRows(db), caughtUp: false, local: countLocal(db),
        backlog: { rows, totalRows: total, rowsPerSecond: rate, secondsLeft: rate > 0 ? (total - rows) / rate : null },
      });
      if (!following) return true;
      at = following;
    }
  }

  return {
    async run(progress, isClosed) {
      await session.ensureSignedIn();
      if (isClosed()) return null;
      if (!(await push(isClosed))) return null;

      if (snapshotAvailable && readSyncState(db).cursor === 0 && !(await snapshot(progress, isClosed))) return null;
      let state = readSyncState(db);
      let rowsInCache = countCachedRows(db);
      const start = { cursor: state.cursor, at: now().getTime() };
      let backlog: SyncStatus['progress'] = null;
      let next: Promise<PullResponse> | null = null;
      for (;;) {
        const page = await (next ?? session.pull({ ...base, cursor: state.cursor, limit }));
        next = null;
        if (isClosed()) return null;
        if (page.hasMore && page.cursor <= state.cursor) {
          throw new DeskFailure('SERVER_ERROR', `The server said there is more after cursor ${state.cursor} but did not advance it.`);
        }
        // Ask for the next page before applying this one, so the server builds it while SQLite
        // writes this one.
        if (page.hasMore) {
          next = session.pull({ ...base, cursor: page.cursor, limit });
          // If this page fails to apply, the request in flight is abandoned, not left unhandled.
          next.catch(() => undefined);
          await requestSent();
          if (isClosed()) return null;
        }
        // Only worth it when more than one page is coming: a small first sync keeps its indexes.
        if (page.hasMore && options.bulkFirstSync !== false && state.cursor === 0 && canStartBulkFirstSync(db)) {
          const setAside = startBulkFirstSync(db);
          options.log?.(`First sync of ${page.headVersion} rows into an empty cache: ${setAside} indexes set aside until caught up.`);
        }
        const unchanged = page.changes.length === 0 && page.cursor === state.cursor && page.headVersion === state.headVersion && page.lastMutationId === state.lastMutationId;
        if (!unchanged || (outbox.hasWork() && outbox.needsRebase())) {
          apply(page, !page.hasMore);
          if (page.changes.length > 0) rowsInCache = countCachedRows(db);
          state = { ...state, cursor: page.cursor, headVersion: page.headVersion, lastMutationId: page.lastMutationId };
        }
        if (page.hasMore || backlog) backlog = backlogProgress(start, state.cursor, state.headVersion, now().getTime());
        const update: SyncProgress = {
          cursor: state.cursor, headVersion: state.headVersion, rowsInCache, caughtUp: !page.hasMore, local: countLocal(db),
          backlog: page.hasMore ? backlog : null,
        };
        progress(update);
        if (!page.hasMore) {
          // Before eviction, which looks closed cases up by their index.
          if (readFirstSyncPhase(db) === 'bulk') {
            const built = finishBulkFirstSync(db);
            options.log?.(`First sync caught up: ${built} indexes built.`);
          }
          if (evictClosedCases(db, closedCutoffMs(now(), options.closedCaseDays)) > 0) update.rowsInCache = countCachedRows(db);
          return update;
        }
      }
    },
  };
}

/** Entities in the order a first sync needs them (service types before the cases that name them). */
const SNAPSHOT_ENTITIES = SyncedEntitySchema.options;

/** The page after one that ended at `nextAfterId`: more of the entity, the next entity, or none. */
function followingPage(entity: SyncedEntity, nextAfterId: string | null): { entity: SyncedEntity; afterId: string | null } | null {
  if (nextAfterId !== null) return { entity, afterId: nextAfterId };
  const after = SNAPSHOT_ENTITIES[SNAPSHOT_ENTITIES.indexOf(entity) + 1];
  return after ? { entity: after, afterId: null } : null;
}

function isNotFound(error: unknown): boolean {
  return error instanceof DeskFailure && (error.details as { status?: number } | undefined)?.status === 404;
}

/**
 * fetch writes a request to its socket only after a turn or two of the event loop, and applying a
 * page holds the loop for as long as SQLite writes: without these turns the next page would be
 * asked for only once this one is written, and the server would sit idle meanwhile.
 */
async function requestSent(): Promise<void> {
  for (let turn = 0; turn < REQUEST_SEND_TURNS; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

function backlogProgress(start: { cursor: number; at: number }, cursor: number, headVersion: number, nowMs: number): NonNullable<SyncStatus['progress']> {
  const rows = Math.max(0, cursor - start.cursor);
  const totalRows = Math.max(rows, headVersion - start.cursor);
  const seconds = Math.max(0.001, (nowMs - start.at) / 1000);
  const rowsPerSecond = rows / seconds;
  return { rows, totalRows, rowsPerSecond, secondsLeft: rowsPerSecond > 0 ? (totalRows - rows) / rowsPerSecond : null };
}

/** New mutations must be numbered above anything the server has seen from this client. */
function raiseIssuedFloor(db: Database, lastMutationId: number): void {
  if (Number(readMeta(db, LAST_ISSUED_KEY) ?? 0) < lastMutationId) writeMeta(db, LAST_ISSUED_KEY, String(lastMutationId));
}
