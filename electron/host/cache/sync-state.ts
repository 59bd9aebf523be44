// The sync bookkeeping row and the row counts shown in the status bar.
import type { CacheDatabase as Database } from './open-cache.js';
import { SYNC_SCHEMA_VERSION, SyncedEntitySchema, type SyncedEntity } from '../../../shared/sync-protocol.js';
import { readMeta, writeMeta } from './meta.js';
import { AGENT_WORK } from '../outbox/outbox.js';

export interface StoredSyncState {
  cursor: number;
  headVersion: number;
  lastMutationId: number;
  lastSyncedAt: string | null;
}

export function readSyncState(db: Database): StoredSyncState {
  const row = db
    .prepare('SELECT cursor, head_version AS headVersion, last_mutation_id AS lastMutationId, last_synced_at AS lastSyncedAt FROM sync_state WHERE id = 1')
    .get() as StoredSyncState | undefined;
  return row ?? { cursor: 0, headVersion: 0, lastMutationId: 0, lastSyncedAt: null };
}

/** Where a first sync's snapshot has got to (migration 0090); null when none is under way. */
export interface SnapshotPosition {
  entity: SyncedEntity;
  /** The last id of `entity` held; null before its first page. */
  afterId: string | null;
  /** The log head the snapshot's first page reported: the pull takes over from there. */
  asOf: number;
  /** Rows the snapshot has brought so far, for the progress bar. */
  rows: number;
  /** Rows the server counted when the snapshot began (null if it did not say): the bar's end. */
  totalRows: number | null;
}

export function readSnapshotPosition(db: Database): SnapshotPosition | null {
  const row = db
    .prepare(
      `SELECT snapshot_entity AS entity, snapshot_after_id AS afterId, snapshot_as_of AS asOf, snapshot_rows AS rows,
         snapshot_total_rows AS totalRows
       FROM sync_state WHERE id = 1`,
    )
    .get() as { entity: string | null; afterId: string | null; asOf: number | null; rows: number | null; totalRows: number | null } | undefined;
  const entity = SyncedEntitySchema.safeParse(row?.entity);
  // Anything unreadable starts the snapshot over: its pages are upserts, so that loses nothing.
  if (!row || !entity.success || row.asOf === null) return null;
  return { entity: entity.data, afterId: row.afterId, asOf: row.asOf, rows: row.rows ?? 0, totalRows: row.totalRows };
}

/** Call in the transaction of the page that got there; null clears it. */
export function saveSnapshotPosition(db: Database, position: SnapshotPosition | null): void {
  db.prepare(
    `UPDATE sync_state SET snapshot_entity = ?, snapshot_after_id = ?, snapshot_as_of = ?, snapshot_rows = ?, snapshot_total_rows = ?
     WHERE id = 1`,
  ).run(position?.entity ?? null, position?.afterId ?? null, position?.asOf ?? null, position?.rows ?? null, position?.totalRows ?? null);
}

export interface LocalCounts {
  pendingMutations: number;
  rejectedMutations: number;
  openConflicts: number;
}

export function countLocal(db: Database): LocalCounts {
  const outbox = db.prepare(`SELECT count(*) FILTER (WHERE state != 'rejected') AS pending, count(*) FILTER (WHERE state = 'rejected') AS rejected FROM outbox WHERE ${AGENT_WORK}`).get() as { pending: number; rejected: number };
  const conflicts = db.prepare('SELECT count(*) AS n FROM case_conflicts WHERE resolved_at IS NULL').get() as { n: number };
  return { pendingMutations: outbox.pending, rejectedMutations: outbox.rejected, openConflicts: conflicts.n };
}

/** The counts the cache keeps by triggers (migration 0080): one row read each, whatever the size. */
export function countCachedRows(db: Database): { callers: number; serviceRequests: number } {
  const counts = new Map(db.prepare('SELECT name, n FROM row_counts').raw().all() as [string, number][]);
  return { callers: counts.get('callers') ?? 0, serviceRequests: counts.get('service_requests') ?? 0 };
}

/**
 * Rows written under another sync schema version may not parse the same way, so such a cache
 * is emptied and pulled again from cursor 0. Returns true when that happened.
 */
export function resetIfSyncSchemaChanged(db: Database): boolean {
  const stored = readMeta(db, 'sync_schema_version');
  const current = String(SYNC_SCHEMA_VERSION);
  if (stored === current) return false;
  const hadRows = stored !== null;
  db.transaction(() => {
    if (hadRows) {
      db.exec(`
        DELETE FROM caller_phones; DELETE FROM callers; DELETE FROM service_requests;
        DELETE FROM service_types; DELETE FROM neighborhoods;
        DELETE FROM case_notes; DELETE FROM case_conflicts; DELETE FROM server_rows;
        UPDATE sync_state SET cursor = 0, head_version = 0, last_synced_at = NULL,
          snapshot_entity = NULL, snapshot_after_id = NULL, snapshot_as_of = NULL, snapshot_rows = NULL,
          snapshot_total_rows = NULL WHERE id = 1;
      `);
    }
    writeMeta(db, 'sync_schema_version', current);
  })();
  return hadRows;
}
