// What a desk holds: every open case, closed cases of the last N days, their notes and conflicts.
// Closed cases that age out are evicted after pulls, never ones local mutations still touch.
import type { CacheDatabase as Database } from '../cache/open-cache.js';

export const DEFAULT_CLOSED_CASE_DAYS = 90;
const DAY_MS = 86_400_000;

export function closedCutoffMs(now: Date, closedCaseDays: number): number {
  return now.getTime() - closedCaseDays * DAY_MS;
}

/** Deletes closed cases closed before the cutoff, with their notes and conflicts; returns how many. */
export function evictClosedCases(db: Database, closedBeforeMs: number): number {
  return db.transaction(() => {
    const ids = db
      .prepare(
        `SELECT id FROM service_requests
         WHERE status = 'closed' AND closed_ms < ?
           AND id NOT IN (SELECT id FROM server_rows WHERE entity = 'service_request')
           AND id NOT IN (SELECT case_id FROM outbox WHERE case_id IS NOT NULL)`,
      )
      .pluck()
      .all(closedBeforeMs) as string[];
    if (ids.length === 0) return 0;
    const deleteCase = db.prepare('DELETE FROM service_requests WHERE id = ?');
    const deleteNotes = db.prepare('DELETE FROM case_notes WHERE case_id = ?');
    const deleteConflicts = db.prepare('DELETE FROM case_conflicts WHERE case_id = ?');
    for (const id of ids) {
      deleteCase.run(id);
      deleteNotes.run(id);
      deleteConflicts.run(id);
    }
    return ids.length;
  }).immediate();
}
