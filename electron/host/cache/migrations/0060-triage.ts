// Triage protocols (every published version, so a run pins the version it started on, offline
// too) and triage records. Both are kept as the JSON the server sent, with the columns the desk
// queries on beside it.
import type { CacheMigration } from './types.js';

export const triage: CacheMigration = {
  version: 60,
  name: 'triage',
  up(db) {
    db.exec(`
      CREATE TABLE triage_protocols (
        key TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        effective_from TEXT NOT NULL,
        json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE triage_records (
        id TEXT PRIMARY KEY,
        case_id TEXT,
        call_id TEXT,
        started_at TEXT NOT NULL,
        json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX triage_records_by_case ON triage_records (case_id) WHERE case_id IS NOT NULL;
    `);
  },
};
