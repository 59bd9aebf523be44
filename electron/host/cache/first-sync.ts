// Bulk mode for the first sync of an empty cache: the case, note and conflict indexes are set
// aside while a city's worth of rows streams in, and built once, in one pass, when the desk has
// caught up. Every step is one transaction that also records the phase, so a crash at any point
// leaves a cache that opens, is consistent, and finishes the job on the next sync.
//
// Kept during the bulk phase: primary keys and UNIQUE constraints (upserts need them), the phone
// index (the screen pop's lookup), and the map triggers (few cases are open, so they cost little,
// and "open cases nearby" stays right). Without the other indexes a query is slower, never wrong.
import { CACHE_SIZE_KIB, DEFAULT_CHECKPOINT_PAGES, type CacheDatabase as Database } from './open-cache.js';

export type FirstSyncPhase = 'bulk' | null;

/** Tables whose own indexes are set aside; they take the bulk of a first sync's rows. */
const BULK_TABLES = ['service_requests', 'case_notes', 'case_conflicts'] as const;

interface DeferredObject {
  name: string;
  type: 'index' | 'trigger';
  sql: string;
}

export function readFirstSyncPhase(db: Database): FirstSyncPhase {
  return (db.prepare('SELECT first_sync_phase FROM sync_state WHERE id = 1').pluck().get() as FirstSyncPhase | undefined) ?? null;
}

/** A bulk first sync may start only into a cache that has pulled nothing and holds no rows. */
export function canStartBulkFirstSync(db: Database): boolean {
  const state = db.prepare('SELECT cursor, first_sync_phase AS phase FROM sync_state WHERE id = 1').get() as { cursor: number; phase: FirstSyncPhase } | undefined;
  if (!state || state.cursor !== 0 || state.phase !== null) return false;
  const holdsRows = db.prepare(
    `SELECT EXISTS (SELECT 1 FROM callers) OR EXISTS (SELECT 1 FROM service_requests)
       OR EXISTS (SELECT 1 FROM case_notes) OR EXISTS (SELECT 1 FROM case_conflicts)`,
  ).pluck().get() as number;
  return holdsRows === 0;
}

/** Sets the indexes aside and enters the bulk phase, in one transaction; returns how many. */
export function startBulkFirstSync(db: Database): number {
  const count = db.transaction(() => {
    const objects = db.prepare(
      `SELECT name, type, sql FROM sqlite_schema
       WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')})
       ORDER BY name`,
    ).all(...BULK_TABLES) as DeferredObject[];
    const keep = db.prepare('INSERT INTO first_sync_deferred (name, type, sql) VALUES (?, ?, ?)');
    for (const object of objects) {
      keep.run(object.name, object.type, object.sql);
      db.exec(`DROP INDEX "${object.name}"`);
    }
    db.prepare("UPDATE sync_state SET first_sync_phase = 'bulk' WHERE id = 1").run();
    return objects.length;
  }).immediate();
  useBulkSettings(db);
  return count;
}

/**
 * Pages arrive at tens of thousands of rows a second, and each checkpoint copies every page the
 * WAL holds into the database once more: a longer WAL between checkpoints (up to 256 MiB of disk
 * while the bulk phase lasts) copies the pages that keep changing (the index pages every page of
 * rows dirties) once instead of after every commit; measured 8% faster than 64 MiB at full size.
 *
 * The kept indexes (caller ids, phone numbers, case ids) are keyed in random order, so every page
 * of rows dirties leaf pages all over them; with the everyday 16 MiB page cache most of those
 * inserts read and decrypt a leaf, and spill it again before the commit. 64 MiB holds most of
 * them: measured at full size (500k callers, 1M cases) it cut the time spent writing pages by
 * about 40% and kept the host's peak under its 300 MB budget (128 MiB went past it). The index
 * build runs at the everyday size, since SQLite's sorter takes as much memory again as the cache,
 * and on a checkpointed database, since reading through a long WAL slows its table scans.
 *
 * For this connection only; a cache reopened in the bulk phase simply runs at the everyday settings.
 */
const BULK_CHECKPOINT_PAGES = 65_536;
const BULK_CACHE_KIB = 64 * 1024;

function useBulkSettings(db: Database): void {
  db.pragma(`wal_autocheckpoint = ${BULK_CHECKPOINT_PAGES}`);
  db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
}

function useEverydaySettings(db: Database): void {
  db.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
  db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
}

/**
 * Builds what was set aside and leaves the bulk phase, in one transaction: a crash half-way rolls
 * it all back to the bulk phase and the next sync builds it again. `onBuilt` hears each object.
 */
export function finishBulkFirstSync(db: Database, onBuilt?: (name: string) => void): number {
  useEverydaySettings(db);
  // Leaves the WAL empty (and its file short) when no reader holds it; a busy answer is harmless.
  db.pragma('wal_checkpoint(TRUNCATE)');
  const built = db.transaction(() => {
    const objects = db.prepare('SELECT name, type, sql FROM first_sync_deferred ORDER BY type, name').all() as DeferredObject[];
    for (const object of objects) {
      // A definition a later migration already recreated stands as it is.
      const exists = db.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(object.name) !== undefined;
      if (!exists) db.exec(object.sql);
      onBuilt?.(object.name);
    }
    db.prepare('DELETE FROM first_sync_deferred').run();
    db.prepare('UPDATE sync_state SET first_sync_phase = NULL WHERE id = 1').run();
    return objects.length;
  }).immediate();
  return built;
}
