// Offline-first sync: the outbox of local mutations, the server's copy of every row they touch
// (so a pull can rebase them), case notes and conflicts, and the case columns sync needs.
import type { CacheMigration } from './types.js';

export const outbox: CacheMigration = {
  version: 30,
  name: 'outbox',
  up(db) {
    db.exec(`
      ALTER TABLE service_requests ADD COLUMN provisional_reference TEXT;
      ALTER TABLE service_requests ADD COLUMN field_versions TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE service_requests ADD COLUMN closed_ms INTEGER;
      UPDATE service_requests SET closed_ms = CAST(strftime('%s', closed_at) AS INTEGER) * 1000 WHERE closed_at IS NOT NULL;
      -- A caller reads out either number; both must be found without a scan.
      CREATE INDEX service_requests_by_provisional_reference ON service_requests (provisional_reference)
        WHERE provisional_reference IS NOT NULL;
      -- Eviction of closed cases that fell out of the window.
      CREATE INDEX service_requests_by_closed ON service_requests (closed_ms) WHERE status = 'closed';

      CREATE TABLE case_notes (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        text TEXT NOT NULL,
        author_agent_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);

      CREATE TABLE case_conflicts (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        resolved_at TEXT,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX case_conflicts_by_case ON case_conflicts (case_id);
      CREATE INDEX case_conflicts_open ON case_conflicts (case_id) WHERE resolved_at IS NULL;

      -- applied: the server said so, waiting for the pull that carries its rows; rejected: kept
      -- with the server's reason until the agent acknowledges it.
      CREATE TABLE outbox (
        mutation_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        args TEXT NOT NULL,
        created_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        case_id TEXT,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX outbox_by_case ON outbox (case_id) WHERE case_id IS NOT NULL;

      -- The server's version of every row an outbox mutation touched (row NULL: the server has
      -- none), so a pull can put it back and replay the pending mutations on top.
      CREATE TABLE server_rows (
        entity TEXT NOT NULL,
        id TEXT NOT NULL,
        row TEXT,
        PRIMARY KEY (entity, id)
      ) STRICT;
    `);
  },
};
