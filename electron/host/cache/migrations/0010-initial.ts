// The first cache schema: synced reference data, callers with their phone numbers, cases, and
// the sync bookkeeping. Rows are stored in columns so the screen pop runs on indexes.
import type { CacheMigration } from './types.js';

export const initialSchema: CacheMigration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cursor INTEGER NOT NULL DEFAULT 0,
        head_version INTEGER NOT NULL DEFAULT 0,
        last_mutation_id INTEGER NOT NULL DEFAULT 0,
        last_synced_at TEXT
      ) STRICT;
      INSERT INTO sync_state (id) VALUES (1);

      CREATE TABLE service_types (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        agency TEXT NOT NULL,
        active INTEGER NOT NULL,
        needs_location INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE neighborhoods (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        label_lat REAL NOT NULL,
        label_lon REAL NOT NULL
      ) STRICT;

      CREATE TABLE callers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT,
        address TEXT,
        zipcode TEXT,
        neighborhood_id TEXT,
        lat REAL,
        lon REAL,
        preferred_language TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- One row per number a caller gave; several callers may share a number (a household).
      CREATE TABLE caller_phones (
        caller_id TEXT NOT NULL REFERENCES callers(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        e164 TEXT NOT NULL,
        PRIMARY KEY (caller_id, position)
      ) STRICT;
      CREATE INDEX caller_phones_by_e164 ON caller_phones (e164, caller_id);

      -- No foreign keys to callers or service types: the server is the source of truth and the
      -- change log may name a caller before (or after) the caller row arrives.
      CREATE TABLE service_requests (
        -- An explicit integer key: rowids of a table without one may change on VACUUM, and the
        -- location index (0020) refers to cases by this number.
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        reference TEXT NOT NULL,
        caller_id TEXT,
        service_type_code TEXT NOT NULL,
        status TEXT NOT NULL,
        channel TEXT NOT NULL,
        description TEXT NOT NULL,
        address TEXT,
        zipcode TEXT,
        neighborhood_id TEXT,
        lat REAL,
        lon REAL,
        agency TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        -- Epoch milliseconds of requested_at: ISO strings with different offsets do not sort.
        requested_ms INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT
      ) STRICT;
      CREATE INDEX service_requests_by_caller ON service_requests (caller_id, requested_ms);
      CREATE INDEX service_requests_by_reference ON service_requests (reference);
      CREATE INDEX service_requests_by_status ON service_requests (status);
    `);
  },
};
